//! Stage 6, live: a neural-architecture search that trains real candidates.
//!
//! The simulator (`naap-nas`) replays strategies on stored curves through
//! its [`naap_nas::CurveSource`] trait; this crate gives the same strategies
//! a [`LiveSource`] that trains for real: asking for scheme i at epoch e
//! resumes i from its checkpoint and trains it up to e, through any
//! [`EpochTrainer`] (with the `torch` feature, [`TorchTrainer`] over
//! naap-train, which writes the paper's log of every candidate as it goes).
//! Every paid batch goes into a [`Journal`], so a killed search, started
//! again, replays its decisions and trains only what was not paid.
//!
//! Start at [`SearchConfig`] and [`run_search`]; [`report`] writes
//! `ranking.csv` and `summary.md`.
#![deny(missing_docs)]

mod config;
mod error;
mod journal;
mod live;
pub mod report;
mod run;
#[cfg(feature = "torch")]
mod torch;

pub use config::{SearchConfig, SearchValidConfig};
pub use error::{Error, Result};
pub use journal::{Batch, Journal};
pub use live::{EpochTrainer, LiveSource, SearchEvent};
pub use run::{candidate, journal_header, run_search, Decision, RankedCandidate, SearchReport};
#[cfg(feature = "torch")]
pub use torch::TorchTrainer;

#[cfg(test)]
mod tests;
