//! The error type of the NAS stage.

/// Everything that can go wrong while replaying a search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting outside its domain (a pool larger than the table, eta < 2, ...).
    #[error("{0}")]
    InvalidConfig(String),
    /// Data that cannot drive a search (a missing log, an epoch beyond the curve).
    #[error("{0}")]
    InvalidInput(String),
    /// A strategy asked for something it has not paid for: a bug in the strategy.
    #[error("not paid for: {0}")]
    NotPaid(String),
    /// A batch would have exceeded the search's budget; the search stops
    /// and answers with its incumbent.
    #[error("budget exhausted: {0}")]
    BudgetExhausted(String),
    /// Every candidate the strategy could still pick diverged.
    #[error("no candidate left: {0}")]
    NothingLeft(String),
    /// A file the user named could not be read (a config, the dataset, the
    /// training logs): the user's input, whatever the cause.
    #[error("reading {what} {}", path.display())]
    Read {
        /// What the file is (`config`, `dataset`, `the training logs`).
        what: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why it could not be read.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A step of a job failed; the step, then the cause.
    #[error("{context}")]
    Context {
        /// What was being done (`checking the study settings`).
        context: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },
    /// Writing the run folder failed.
    #[error(transparent)]
    Output(#[from] naap_output::Error),
    /// Serializing `config.toml` failed.
    #[error("serializing config.toml: {0}")]
    Serialize(#[from] toml::ser::Error),
    /// The dataset stage failed (reading the CSV or a log).
    #[error(transparent)]
    Dataset(#[from] naap_dataset::Error),
    /// A predictor could not be fitted or asked.
    #[error(transparent)]
    Predict(#[from] naap_predict::Error),
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::InvalidConfig(_) | Error::InvalidInput(_) | Error::Read { .. } => {
                naap_output::Fault::Input
            }
            Error::Context { source, .. } => naap_output::HasFault::fault(source.as_ref()),
            Error::Output(e) => naap_output::HasFault::fault(e),
            Error::Serialize(_) => naap_output::Fault::Runtime,
            Error::Dataset(e) => naap_output::HasFault::fault(e),
            Error::Predict(e) => naap_output::HasFault::fault(e),
            // The meter's own refusals are bugs of a strategy, not the user's.
            Error::NotPaid(_) | Error::BudgetExhausted(_) | Error::NothingLeft(_) => {
                naap_output::Fault::Runtime
            }
        }
    }
}

impl Error {
    /// Wraps an error in the step it happened in, for `map_err`.
    pub fn within(context: impl Into<String>) -> impl FnOnce(Error) -> Error {
        let context = context.into();
        move |source| Error::Context {
            context,
            source: Box::new(source),
        }
    }
}

/// Result alias of the NAS stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
