//! The error type of the prediction stage.

/// Everything that can go wrong while fitting, predicting or scoring.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Inputs of the wrong shape or content (empty, mismatched lengths, NaN).
    #[error("{0}")]
    InvalidInput(String),
    /// A file of the run (the checkpoint) could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing an output file failed.
    #[error(transparent)]
    Output(#[from] naap_output::Error),
    /// A regressor failed (bad input, a fit that did not converge).
    #[error(transparent)]
    Models(#[from] naap_models::Error),
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::InvalidInput(_) => naap_output::Fault::Input,
            Error::Io { source, .. } => naap_output::reading_fault(source),
            Error::Output(e) => naap_output::HasFault::fault(e),
            Error::Models(e) => naap_output::HasFault::fault(e),
        }
    }
}

/// Result alias of the prediction stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
