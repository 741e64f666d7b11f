//! Stage 4 of the naap pipeline: training logs to the NAAP-440 CSV, and the
//! typed reader every predictor uses.
//!
//! Start at [`Dataset`] (a loaded CSV).
#![deny(missing_docs)]

mod error;
mod read;
mod table;

pub use error::{Error, Result};
pub use table::{epoch_column, Dataset, EpochRecord, Format, Row, SchemeFeatures, EPOCH_SUFFIXES};
