//! The error type of the space stage.

/// Everything that can go wrong while reading a space config or a scheme file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scheme or config is well-formed but breaks a rule of the space.
    #[error("{0}")]
    Invalid(String),
}

/// Result alias of the space stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
