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
    /// An input file of a job (a selection's results.csv) could not be read.
    #[error("reading {}", path.display())]
    Reading {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A dataset CSV could not be read.
    #[error("reading dataset {}", path.display())]
    Dataset {
        /// The CSV.
        path: std::path::PathBuf,
        /// The cause.
        source: naap_dataset::Error,
    },
    /// Fitting a regressor on a feature set failed.
    #[error("fitting {regressor} on {set}")]
    Fitting {
        /// The regressor's name.
        regressor: String,
        /// The feature set's name.
        set: String,
        /// The cause.
        source: Box<Error>,
    },
    /// A step of a job failed; `context` says which.
    #[error("{context}")]
    Context {
        /// What was being done.
        context: String,
        /// The cause.
        source: Box<Error>,
    },
    /// An output could not be serialised (a program error, not the input's).
    #[error("serialising {what}: {message}")]
    Serialize {
        /// The output.
        what: &'static str,
        /// What went wrong.
        message: String,
    },
    /// Training logs could not be read.
    #[error(transparent)]
    Logs(#[from] naap_dataset::Error),
    /// A schemes file could not be read.
    #[error(transparent)]
    Schemes(#[from] naap_space::Error),
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::InvalidInput(_) => naap_output::Fault::Input,
            Error::Io { source, .. } => naap_output::reading_fault(source),
            Error::Output(e) => naap_output::HasFault::fault(e),
            Error::Models(e) => naap_output::HasFault::fault(e),
            Error::Reading { source, .. } => naap_output::reading_fault(source),
            Error::Dataset { source, .. } | Error::Logs(source) => {
                naap_output::HasFault::fault(source)
            }
            Error::Schemes(e) => naap_output::HasFault::fault(e),
            Error::Fitting { source, .. } | Error::Context { source, .. } => source.fault(),
            Error::Serialize { .. } => naap_output::Fault::Runtime,
        }
    }
}

/// Result alias of the prediction stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
