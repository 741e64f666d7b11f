//! Helpers shared by the naap-train integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The shared data folder (see naap-testdata).
pub fn shared_dir() -> PathBuf {
    naap_testdata::shared_dir()
}

/// The published scheme list.
pub fn shared_schemes() -> Vec<naap_space::Scheme> {
    naap_space::read_schemes(&shared_dir().join("naap440/generated_schemes.json"))
        .expect("shared schemes")
}

/// The shared JPEG CIFAR-10 archive, else the binary release that
/// `naap download cifar10` unpacks (see naap-testdata).
pub fn jpeg_tar() -> PathBuf {
    naap_testdata::cifar10()
}

/// Per-epoch (loss mean, loss median, accuracy) read back by the dataset stage's log parser.
pub fn parse_log(text: &str) -> Vec<(f64, f64, f64)> {
    let log = naap_dataset::TrainingLog::parse(text.as_bytes(), "scheme log".as_ref())
        .expect("log parses");
    log.epochs()
        .iter()
        .map(|e| (e.loss_mean, e.loss_median, e.accuracy))
        .collect()
}

/// A log without its timestamps, for comparing runs.
pub fn strip_timestamps(text: &str) -> Vec<String> {
    text.lines().map(|l| l[15..].to_string()).collect()
}
