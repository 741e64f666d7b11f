//! Helpers shared by the CLI tests.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The `naap` binary built for this test run.
pub fn naap() -> Command {
    Command::new(env!("CARGO_BIN_EXE_naap"))
}

/// The shared data folder (see naap-testdata).
pub fn shared_dir() -> PathBuf {
    naap_testdata::shared_dir()
}

/// A published NAAP-440 file from the shared folder.
pub fn shared_naap440(name: &str) -> PathBuf {
    naap_testdata::naap440(name)
}

/// A small valid dataset kept in the repository (`v1` or `v2` columns; see
/// tests/fixtures/dataset/README.md), for tests that need only a small file.
pub fn fixture_dataset(format: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/dataset/small_{format}.csv"))
}

/// Runs a command and returns its output, with stderr in any panic message.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("naap binary runs")
}

/// Checks a run rejected as bad input: exit code 2, `needle` in stderr and,
/// when `out` is given, no output file left behind.
pub fn assert_rejected(res: &Output, needle: &str, out: Option<&std::path::Path>) {
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    if let Some(out) = out {
        assert!(!out.exists(), "{} written on bad input", out.display());
    }
}
