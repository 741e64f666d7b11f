//! The error type of the dataset stage.

use std::path::PathBuf;

/// Everything that can go wrong while building or reading a dataset.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}")]
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
    /// A training log ends before it has what was asked (truncated).
    #[error("{path}:{line}: {message}")]
    Incomplete {
        /// The log file.
        path: PathBuf,
        /// 1-based number of the last line that is there.
        line: usize,
        /// What is missing.
        message: String,
    },
    /// Extra columns do not fit the dataset they are joined to.
    #[error("{path}: {message}")]
    Join {
        /// The file of extra columns.
        path: PathBuf,
        /// What does not match.
        message: String,
    },
    /// A setting is out of its range.
    #[error("{0}")]
    Config(String),
    /// The log source (folder or archive) is not usable.
    #[error("{0}")]
    Source(String),
    /// A log line written out of order.
    #[error("log line out of order: {0}")]
    LogOrder(String),
    /// Writing a log line failed.
    #[error("writing a training log: {0}")]
    LogWrite(#[source] std::io::Error),
    /// The scheme list the logs are checked against could not be read.
    #[error(transparent)]
    Schemes(#[from] naap_space::Error),
    /// The output file could not be written.
    #[error(transparent)]
    Output(#[from] naap_output::Error),
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::Io { source, .. } => naap_output::reading_fault(source),
            Error::LogWrite(_) => naap_output::Fault::Runtime,
            Error::Schemes(e) => naap_output::HasFault::fault(e),
            Error::Output(e) => naap_output::HasFault::fault(e),
            _ => naap_output::Fault::Input,
        }
    }
}

/// Result alias of the dataset stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
