//! Exit codes of `naap`, defined once and listed in `--help`.
//!
//! Scripts and sweeps branch on these codes, so they never change meaning.

use naap_output::{Fault, HasFault};

/// Everything asked for was done.
pub const SUCCESS: i32 = 0;
/// A runtime failure (I/O, network, a model that failed to fit).
pub const FAILURE: i32 = 1;
/// The user's input is wrong: a bad flag, config, scheme, log or CSV.
pub const USAGE: i32 = 2;
/// The run finished, but some items (schemes, logs) failed; the summary lists them.
pub const PARTIAL: i32 = 3;

/// The text appended to `naap --help`.
pub const HELP: &str = "Exit codes: 0 success; 1 runtime failure; 2 usage, config or input error; \
3 finished, but some items failed";

/// Marks an error as caused by the user's input, so that it exits with [`USAGE`].
///
/// Wrap at the point where the cause is known to be bad input
/// (`.map_err(exit::usage)?`); context added later keeps the mark.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct UsageError(pub anyhow::Error);

/// Wraps any error as a [`UsageError`].
pub fn usage(err: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(UsageError(err.into()))
}

/// What a command reports when it returns normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// All items done.
    Done,
    /// Finished, but some items failed (already reported on stderr).
    SomeFailed,
}

/// Maps a command's result to the process exit code: the outermost error of
/// the chain that knows whose fault it is (a [`UsageError`] mark or a
/// library error, through [`naap_output::HasFault`]) decides; an error no
/// library classified is a runtime failure.
pub fn code(result: &anyhow::Result<Outcome>) -> i32 {
    match result {
        Ok(Outcome::Done) => SUCCESS,
        Ok(Outcome::SomeFailed) => PARTIAL,
        Err(err) => match err.chain().find_map(fault_of) {
            Some(Fault::Input) => USAGE,
            Some(Fault::Runtime) | None => FAILURE,
        },
    }
}

/// The fault an error in a chain declares, if its type is one that does.
/// The one list of the library error types the CLI meets.
fn fault_of(err: &(dyn std::error::Error + 'static)) -> Option<Fault> {
    fn as_fault<E: HasFault + std::error::Error + 'static>(
        err: &(dyn std::error::Error + 'static),
    ) -> Option<Fault> {
        err.downcast_ref::<E>().map(HasFault::fault)
    }
    if err.is::<UsageError>() {
        return Some(Fault::Input);
    }
    as_fault::<naap_space::Error>(err)
        .or_else(|| as_fault::<naap_profile::Error>(err))
        .or_else(|| as_fault::<naap_dataset::Error>(err))
        .or_else(|| as_fault::<naap_models::Error>(err))
        .or_else(|| as_fault::<naap_predict::Error>(err))
        .or_else(|| as_fault::<naap_nas::Error>(err))
        .or_else(|| as_fault::<naap_output::Error>(err))
        .or_else(|| train_fault(err))
}

#[cfg(feature = "train")]
fn train_fault(err: &(dyn std::error::Error + 'static)) -> Option<Fault> {
    err.downcast_ref::<naap_train::Error>()
        .map(HasFault::fault)
        .or_else(|| {
            err.downcast_ref::<naap_search::Error>()
                .map(HasFault::fault)
        })
}

#[cfg(not(feature = "train"))]
fn train_fault(_err: &(dyn std::error::Error + 'static)) -> Option<Fault> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_mark_survives_context() {
        use anyhow::Context;
        let err: anyhow::Result<Outcome> =
            Err(usage(anyhow::anyhow!("bad kernel"))).context("reading schemes.json");
        assert_eq!(code(&err), USAGE);
        let plain: anyhow::Result<Outcome> = Err(anyhow::anyhow!("disk full"));
        assert_eq!(code(&plain), FAILURE);
        // A library error says whose fault it is, under any context.
        let bad_id: anyhow::Result<Outcome> = Err(anyhow::Error::new(
            "0".parse::<naap_space::ModelId>().unwrap_err(),
        )
        .context("reading --ids"));
        assert_eq!(code(&bad_id), USAGE);
        let fit: anyhow::Result<Outcome> = Err(anyhow::Error::new(naap_predict::Error::from(
            naap_models::Error::Fit {
                model: "SVR".into(),
                message: "no convergence".into(),
            },
        )));
        assert_eq!(code(&fit), FAILURE);
        // A regressor's own error, met without the prediction stage around it.
        let bad_rows: anyhow::Result<Outcome> = Err(anyhow::Error::new(
            naap_models::Error::InvalidInput("no rows".into()),
        )
        .context("fitting"));
        assert_eq!(code(&bad_rows), USAGE);
        assert_eq!(code(&Ok(Outcome::SomeFailed)), PARTIAL);
        assert_eq!(code(&Ok(Outcome::Done)), SUCCESS);
    }
}
