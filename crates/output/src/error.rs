//! Errors of output folders and files.

use std::path::PathBuf;

/// A [`std::result::Result`] with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Why an output folder or file cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `-` names standard output, and a run folder cannot be written there.
    #[error("a run writes several files into a folder, so `-` (standard output) cannot be its output; name a folder")]
    StdoutFolder,
    /// The output path names something of the wrong kind.
    #[error("{path} is {found}, expected {expected}")]
    WrongKind {
        /// The output path.
        path: PathBuf,
        /// What is there ("a file", "a folder").
        found: &'static str,
        /// What the output needs ("a folder", "a file").
        expected: &'static str,
    },
    /// Another run holds the folder's lock.
    #[error("{dir} is in use by another run ({holder}); wait for it to end or choose another output folder")]
    InUse {
        /// The output folder.
        dir: PathBuf,
        /// What the lock file says about its holder.
        holder: String,
    },
    /// Outputs of an earlier run are in the folder and `force` was not given.
    #[error("{dir} holds outputs of an earlier run ({found}); pass --force to replace them")]
    EarlierRun {
        /// The output folder.
        dir: PathBuf,
        /// The outputs found, comma-separated.
        found: String,
    },
    /// A single output file exists and `force` was not given.
    #[error("{0} already exists; pass --force to replace it")]
    Exists(PathBuf),
    /// A name passed to [`crate::RunDir::write`] leaves the run folder.
    #[error("output name {0:?} must be a relative path inside the run folder")]
    BadName(String),
    /// Preparing the output failed (creating, locking, clearing): the path is
    /// unusable, found before the work starts.
    #[error("cannot use {path} for output: {source}")]
    Prepare {
        /// The path that could not be prepared.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A setting shared by the commands (`--jobs`) is outside its domain.
    #[error("{0}")]
    Setting(String),
    /// Writing an output failed after the work was done.
    #[error("writing {path}: {source}")]
    Write {
        /// The file that could not be written.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the user's input caused this error (a bad or busy output path,
    /// earlier results without `--force`), as opposed to a runtime failure
    /// such as a full disk while writing.
    pub fn is_input_error(&self) -> bool {
        !matches!(self, Error::Write { .. })
    }

    pub(crate) fn prepare(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Prepare { path, source }
    }

    pub(crate) fn write(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Write { path, source }
    }
}
