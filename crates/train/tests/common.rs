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

/// Per-epoch (loss mean, loss median, accuracy) read back from a log in the paper's format.
pub fn parse_log(text: &str) -> Vec<(f64, f64, f64)> {
    let mut out = Vec::new();
    let mut losses = None;
    for line in text.lines() {
        let body = &line[15..];
        if let Some(rest) = body.strip_prefix("Loss mean, median: ") {
            let (a, b) = rest.split_once(", ").expect("two losses");
            losses = Some((a.parse().unwrap(), b.parse().unwrap()));
        } else if let Some(acc) = body.strip_prefix("Test accuracy: ") {
            let (m, d) = losses.take().expect("losses before accuracy");
            out.push((m, d, acc.parse().unwrap()));
        }
    }
    out
}

/// A log without its timestamps, for comparing runs.
pub fn strip_timestamps(text: &str) -> Vec<String> {
    text.lines().map(|l| l[15..].to_string()).collect()
}
