//! Exit codes of `naap`, defined once and listed in `--help`.
//!
//! Scripts and sweeps branch on these codes, so they never change meaning.

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

/// Maps a command's result to the process exit code.
pub fn code(result: &anyhow::Result<Outcome>) -> i32 {
    match result {
        Ok(Outcome::Done) => SUCCESS,
        Ok(Outcome::SomeFailed) => PARTIAL,
        Err(err) if err.chain().any(|c| c.is::<UsageError>()) => USAGE,
        Err(_) => FAILURE,
    }
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
        assert_eq!(code(&Ok(Outcome::SomeFailed)), PARTIAL);
        assert_eq!(code(&Ok(Outcome::Done)), SUCCESS);
    }
}
