//! The CLI side of `naap-output`: its errors carry the exit code they deserve.
//!
//! Every command that writes a run folder claims it with [`claim`] before any
//! work; every command that writes one file prepares it with [`file`] before
//! any work and commits it after.

use crate::exit;
pub use naap_output::{Claim, OutputFile, RunDir};
use std::path::Path;

/// Maps an output error to an exit code: bad, busy or occupied output paths
/// are the user's (2); a write failing after the work is a runtime failure (1).
pub fn error(err: naap_output::Error) -> anyhow::Error {
    if err.is_input_error() {
        exit::usage(err)
    } else {
        anyhow::Error::new(err)
    }
}

/// Claims a run folder (see [`RunDir::claim`]).
pub fn claim(dir: &Path, claim: &Claim) -> anyhow::Result<RunDir> {
    RunDir::claim(dir, claim).map_err(error)
}

/// Prepares a single output file, `-` meaning stdout (see [`OutputFile::prepare`]).
pub fn file(path: &Path, force: bool) -> anyhow::Result<OutputFile> {
    OutputFile::prepare(path, force).map_err(error)
}
