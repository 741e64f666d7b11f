//! Helpers shared by the naap-train integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The shared data folder: `$NAAP_SHARED_DIR`, else `../shared` beside the repo.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("NAAP_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// The published scheme list.
pub fn shared_schemes() -> Vec<naap_space::Scheme> {
    naap_space::read_schemes(&shared_dir().join("naap440/generated_schemes.json"))
        .expect("shared schemes")
}

/// The shared JPEG CIFAR-10 archive.
pub fn jpeg_tar() -> PathBuf {
    shared_dir().join("cifar10/cifar10-jpg.tar.gz")
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
