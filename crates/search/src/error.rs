//! The error type of a live search.

use std::path::PathBuf;

/// Everything that can stop a live search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting outside its domain, or settings that do not fit together.
    #[error("{0}")]
    Config(String),
    /// The run folder holds a journal of another search (other settings or
    /// another build): resuming it would mix results.
    #[error("{path}: {message}; start over with --force or use another output folder")]
    Mismatch {
        /// The journal.
        path: PathBuf,
        /// What differs.
        message: String,
    },
    /// The run folder holds a journal of the same settings made by another
    /// build, whose decisions a resumed search must not trust
    /// ([`naap_output::build::check_same_build`]).
    #[error(
        "{path}: the journal was {stale}: its decisions are not trusted. Pass --resume-stale \
         to discard them and search again (training checkpoints of that build are retrained \
         from scratch), or --force to start over"
    )]
    StaleBuild {
        /// The journal.
        path: PathBuf,
        /// The build that wrote it, and this one.
        stale: naap_output::build::StaleBuild,
    },
    /// A journal line that cannot be read (not a torn last line, which is dropped).
    #[error("{path}:{line}: {message}")]
    Journal {
        /// The journal.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Training a candidate failed (not a divergence, which is an outcome
    /// of the search: I/O, bad data, the trainer itself).
    #[error("training ModelId {model_id}: {message}")]
    Training {
        /// The candidate.
        model_id: naap_space::ModelId,
        /// Why, with its causes.
        message: String,
    },
    /// A file the user named could not be read (the candidates, the known
    /// curves, CIFAR-10): the user's input, whatever the cause.
    #[error("reading {what} {}", path.display())]
    Read {
        /// What the file is (`schemes`, `the known curves`).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A step of the search failed; the step, then the cause.
    #[error("{context}")]
    Context {
        /// What was being done (`searching into DIR`).
        context: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },
    /// Writing the run folder failed, or it cannot be used.
    #[error(transparent)]
    Output(#[from] naap_output::Error),
    /// Serializing `config.toml` failed.
    #[error("serializing config.toml: {0}")]
    Serialize(#[from] toml::ser::Error),
    /// A Slurm command failed or answered what it should not (the cluster,
    /// not the search's settings).
    #[error("Slurm: {0}")]
    Cluster(String),
    /// Setting up the trainer failed (not the user's settings: the device
    /// or the data on it).
    #[error("setting up the trainer: {0}")]
    Trainer(String),
    /// The strategy or the meter failed.
    #[error(transparent)]
    Nas(#[from] naap_nas::Error),
    /// Reading a dataset, a log or a scheme list failed.
    #[error(transparent)]
    Dataset(#[from] naap_dataset::Error),
    /// Fitting or asking a predictor failed.
    #[error(transparent)]
    Predict(#[from] naap_predict::Error),
}

impl Error {
    /// Whether the user's input caused it (exit code 2): a bad setting, a
    /// folder of another search, an unreadable journal or input file.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Config(_)
            | Error::Mismatch { .. }
            | Error::StaleBuild { .. }
            | Error::Journal { .. }
            | Error::Read { .. } => true,
            Error::Output(e) => e.is_input_error(),
            Error::Context { source, .. } => source.is_bad_input(),
            Error::Nas(e) => matches!(
                e,
                naap_nas::Error::InvalidConfig(_) | naap_nas::Error::InvalidInput(_)
            ),
            Error::Dataset(_) => true,
            Error::Io { .. }
            | Error::Training { .. }
            | Error::Trainer(_)
            | Error::Cluster(_)
            | Error::Predict(_)
            | Error::Serialize(_) => false,
        }
    }

    /// An I/O error on `path`, for `map_err`.
    pub fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl naap_output::HasFault for Error {
    fn fault(&self) -> naap_output::Fault {
        match self {
            Error::Nas(e) => naap_output::HasFault::fault(e),
            Error::Context { source, .. } => naap_output::HasFault::fault(source.as_ref()),
            Error::Output(e) => naap_output::HasFault::fault(e),
            _ if self.is_bad_input() => naap_output::Fault::Input,
            _ => naap_output::Fault::Runtime,
        }
    }
}

/// Result alias of the live search.
pub type Result<T, E = Error> = std::result::Result<T, E>;
