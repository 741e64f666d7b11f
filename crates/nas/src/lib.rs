//! Stage 6 of the naap pipeline: neural-architecture search replayed on
//! stored learning curves, with cost counters.
//!
//! Reads a [`naap_dataset::Dataset`] (the 440 full curves) and, for the
//! `logged` cost model, the raw training logs. A [`TableSource`] serves the
//! curves as if training them; a [`Meter`] wraps any [`CurveSource`] and is
//! the one place a search pays; [`strategy`] holds the strategies behind the
//! one [`Strategy`] trait; [`run_study`] replays every strategy × repeat in
//! parallel and scores it, and [`report`] and [`figure`] turn the records
//! into `results.csv`, `summary.md` and `regret.png`.
//! Start at [`StudyConfig`] and [`run_study`], or run the whole command as a
//! job: [`simulate::SimulateJob`] and [`simulate::run`].
#![deny(missing_docs)]

pub mod config;
pub mod cost;
mod error;
pub mod figure;
mod meter;
mod predictor;
pub mod report;
pub mod simulate;
mod source;
pub mod strategy;
mod study;
mod table;

pub use config::{Pool, PredictorFile, StudyConfig, StudyValidConfig};
pub use cost::{CostKind, CostModel};
pub use error::{Error, Result};
pub use meter::{Meter, Spent};
pub use source::{Advance, Advanced, CurveSource};
pub use strategy::{SearchContext, Strategy, StrategyFlags, StrategySpec};
pub use study::{
    check_study, run_count, run_study, search, RunRecord, SearchOutcome, StudyResults,
};
pub use table::TableSource;
