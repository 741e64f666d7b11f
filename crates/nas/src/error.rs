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
            Error::InvalidConfig(_) | Error::InvalidInput(_) => naap_output::Fault::Input,
            Error::Dataset(e) => naap_output::HasFault::fault(e),
            Error::Predict(e) => naap_output::HasFault::fault(e),
            // The meter's own refusals are bugs of a strategy, not the user's.
            Error::NotPaid(_) | Error::BudgetExhausted(_) | Error::NothingLeft(_) => {
                naap_output::Fault::Runtime
            }
        }
    }
}

/// Result alias of the NAS stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
