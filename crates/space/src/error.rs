//! The error type of the space stage.

use std::path::PathBuf;

/// Everything that can go wrong while reading a space config or a scheme file.
///
/// Every variant that comes from a file names it, so a message read alone
/// says where to look.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scheme or config is well-formed but breaks a rule of the space.
    #[error("{0}")]
    Invalid(String),
    /// A file could not be read.
    #[error("reading {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid JSON/TOML or does not have the expected fields.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said, with line and column where known.
        message: String,
    },
    /// A file's content breaks a rule; the message names the item.
    #[error("{}: {message}", path.display())]
    InvalidFile {
        /// The file.
        path: PathBuf,
        /// Which item is wrong and why.
        message: String,
    },
}

impl Error {
    /// Attaches a file name to an [`Error::Invalid`]; other variants keep theirs.
    pub(crate) fn in_file(self, path: &std::path::Path) -> Error {
        match self {
            Error::Invalid(message) => Error::InvalidFile {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        }
    }

    /// Whether the error is the user's input (a bad or missing file) rather
    /// than a failure of the machine (an unreadable disk).
    pub fn is_bad_input(&self) -> bool {
        match self {
            // A missing, unreadable or non-UTF-8 file, or a folder where a
            // file belongs, is what the user named; other I/O errors are the machine's.
            Error::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::IsADirectory
                    | std::io::ErrorKind::NotADirectory
                    | std::io::ErrorKind::InvalidData
            ),
            _ => true,
        }
    }
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::Io { source, .. } => naap_output::reading_fault(source),
            _ => naap_output::Fault::Input,
        }
    }
}

/// Result alias of the space stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
