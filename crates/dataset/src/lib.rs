//! Stage 4 of the naap pipeline: training logs to the NAAP-440 CSV, and the
//! typed reader every predictor uses.
//!
//! Reads the paper's per-scheme training logs ([`TrainingLog`], written by
//! [`LogWriter`]) and writes the dataset CSV in the published v1 or v2
//! column set; [`Dataset::read`] loads such a CSV for the predictors.
//! Start at [`Dataset`] (a loaded CSV) or [`TrainingLog`] (one log).
#![deny(missing_docs)]

mod build;
mod build_job;
pub mod column;
mod convert;
pub mod data_dir;
mod error;
mod excerpt;
mod join;
mod line_ending;
pub mod log;
mod pyfloat;
mod read;
mod source;
mod table;
mod validate;
mod write;

pub use build::{build, test_rows, BuildConfig, BuildValidConfig, Built, Skipped};
pub use build_job::BuildJob;
pub use error::{Error, Result};
pub use excerpt::{excerpt, EXCERPT_CHARS};
pub use join::{ExtraColumns, ZERO_COST_COLUMNS};
pub use line_ending::LineEnding;
pub use log::{LogEvent, LogLine, LogWriter, LoggedEpoch, Timestamp, TrainingLog};
pub use naap_profile::SchemeFeatures;
pub use pyfloat::{py_repr, py_round};
pub use source::{model_id_of, read_logs, LogFile, MAX_LOG_BYTES};
pub use table::{epoch_column, Architecture, Dataset, EpochRecord, Format, Row, EPOCH_SUFFIXES};
pub use validate::{MAX_LOSS, MIN_SPLIT_ROWS};
