//! The error type of the dataset stage.

use std::path::PathBuf;

/// Everything that can go wrong while building or reading a dataset.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying failure.
        source: std::io::Error,
    },
    /// A file's content is wrong at a known place.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file involved.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was found and what was expected.
        message: String,
    },
}

/// Result alias of the dataset stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
