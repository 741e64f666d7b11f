//! Progress of a long job, reported by the library and drawn by its caller.
//!
//! Library crates never print or draw: a job calls a [`Progress`] it is
//! given, and the CLI renders it (an indicatif bar on a terminal, nothing
//! in CI), the Python package ignores it, and tests count the calls.

/// Receives the progress of a job. Calls may come from several threads.
pub trait Progress: Sync {
    /// A phase of `len` steps begins (`label` says what is counted).
    fn start(&self, len: u64, label: &str);
    /// `n` more steps of the current phase are done.
    fn advance(&self, n: u64);
    /// The current phase is over.
    fn finish(&self);
    /// A line worth showing the user (an epoch summary, a skipped item).
    fn note(&self, _line: &str) {}
}

/// Progress that goes nowhere (tests, library callers that do not care).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _len: u64, _label: &str) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
