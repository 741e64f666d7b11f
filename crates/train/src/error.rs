//! The error type of the training stage.

use std::path::PathBuf;

/// Everything that can go wrong while loading data or training a scheme.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying failure.
        source: std::io::Error,
    },
    /// Input data (CIFAR-10 files, a checkpoint) is malformed; the message names the place.
    #[error("{path}: {message}")]
    Data {
        /// The file or archive entry involved.
        path: PathBuf,
        /// What was found and what was expected.
        message: String,
    },
    /// A config value is out of its documented range.
    #[error("invalid config: {0}")]
    Config(String),
    /// A scheme cannot be built into a network (e.g. a residual over a shape change).
    #[error("scheme {id}: {message}")]
    Scheme {
        /// 1-based scheme id.
        id: naap_space::ModelId,
        /// What is wrong.
        message: String,
    },
    /// The loss became NaN or infinite: the run diverged.
    #[error("diverged in epoch {epoch}: batch loss is {loss}")]
    Diverged {
        /// 1-based epoch in which it happened.
        epoch: usize,
        /// The non-finite loss value.
        loss: f64,
    },
    /// A checkpoint belongs to a different recipe than the one asked for.
    #[error(
        "{path}: checkpoint was made with a different recipe ({message}); use another --out folder"
    )]
    CheckpointMismatch {
        /// The checkpoint file.
        path: PathBuf,
        /// Which setting differs.
        message: String,
    },
    /// Checkpoints in the output folder were written by another build, whose
    /// epochs a resumed run must not trust.
    #[error(
        "{} checkpoint(s) in {dir} were written by another build ({build}; this is {}): \
         scheme(s) {}; their epochs are not trusted. Pass --resume-stale to retrain them \
         from scratch, or use another --out folder",
        ids.len(), crate::CODE_ID, ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    StaleCheckpoints {
        /// The checkpoint folder.
        dir: PathBuf,
        /// The schemes whose checkpoints are stale.
        ids: Vec<naap_space::ModelId>,
        /// The build that wrote the first of them.
        build: String,
    },
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    /// The scheme stage reported an error.
    #[error(transparent)]
    Space(#[from] naap_space::Error),
    /// The log module refused or failed to write a line.
    #[error("training log: {0}")]
    Log(#[from] naap_dataset::Error),
    /// An output file could not be written.
    #[error(transparent)]
    Output(#[from] naap_output::Error),
}

impl Error {
    /// Whether the error is caused by the user's input (maps to exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Data { .. }
            | Error::Config(_)
            | Error::Scheme { .. }
            | Error::CheckpointMismatch { .. }
            | Error::StaleCheckpoints { .. } => true,
            // A scheme list the user named that is missing or breaks the space.
            Error::Space(e) => e.is_bad_input(),
            Error::Output(e) => e.is_input_error(),
            _ => false,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    pub(crate) fn data(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Data {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        if self.is_bad_input() {
            naap_output::Fault::Input
        } else {
            naap_output::Fault::Runtime
        }
    }
}

/// Result alias of the training stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
