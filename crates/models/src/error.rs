//! The error type of the regressors.

/// Everything that can go wrong while fitting, predicting or checking a
/// saved model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Inputs of the wrong shape or content (empty, mismatched lengths, NaN,
    /// a damaged saved model, an unknown regressor name).
    #[error("{0}")]
    InvalidInput(String),
    /// A regressor could not be fitted.
    #[error("fitting {model}: {message}")]
    Fit {
        /// Display name of the regressor.
        model: String,
        /// What went wrong.
        message: String,
    },
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::InvalidInput(_) => naap_output::Fault::Input,
            Error::Fit { .. } => naap_output::Fault::Runtime,
        }
    }
}

/// Result alias of the regressors.
pub type Result<T, E = Error> = std::result::Result<T, E>;
