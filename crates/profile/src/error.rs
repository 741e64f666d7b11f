//! The error type of the profile stage.

/// Everything that can go wrong while profiling a scheme.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scheme breaks a rule of the space (see [`naap_space::Scheme::validate`]).
    #[error(transparent)]
    Scheme(#[from] naap_space::Error),
    /// A [`crate::ProfileConfig`] value is out of its documented range.
    #[error("{0}")]
    InvalidConfig(String),
    /// A count does not fit in 64 bits (absurdly wide or large inputs).
    #[error("{0} overflows 64 bits")]
    Overflow(&'static str),
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::Scheme(e) => naap_output::HasFault::fault(e),
            // A scheme too large to count is the scheme's fault, as a bad one is.
            Error::InvalidConfig(_) | Error::Overflow(_) => naap_output::Fault::Input,
        }
    }
}

/// Result alias of the profile stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
