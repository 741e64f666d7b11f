//! Stage 5 of the naap pipeline: accuracy predictors and their scoring.
//!
//! Reads a [`naap_dataset::Dataset`], turns its rows into feature matrices,
//! fits the regressors of [`naap_models`] behind the one [`Regressor`] trait
//! and scores them by MAE and monotonicity violations.
#![deny(missing_docs)]

pub mod baseline;
pub mod curve;
mod error;
pub mod evaluate;
pub mod extended;
pub mod features;
pub mod metrics;
pub mod models;
pub mod predictor;
pub mod protocol;
pub mod report;
pub mod select;

pub use error::{Error, Result};

/// The identity of this build's code: crate version and a hash of the sources
/// of this crate and the workspace crates it uses (`build/code_id.rs`).
/// Checkpoints carry it, so a resumed run never reuses results of another build.
pub const CODE_ID: &str = env!("NAAP_CODE_ID");
pub use naap_models::{FittedRegressor, Regressor};
