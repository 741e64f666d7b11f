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
//!
//! # Ranking another space with a predictor fitted on NAAP-440
//!
//! The predictor and zero-shot strategies rank by a predictor fitted on the
//! known curves (`fold`), on what the search trains (`online`), or given as
//! a file of `naap fit` (the strategy config's `predictor`). What transfers
//! to a new space: the scheme features, which [`candidate`] computes with
//! the profiler for any scheme; the curve features (epoch accuracies and
//! losses), as long as the new candidates train with the same recipe and
//! epoch semantics as the fitted curves (NAAP-440's 90-epoch schedule, so
//! "epoch 3" means the same point of it). Schemes outside the range the
//! predictor was fitted on are extrapolated, silently: a linear model keeps
//! its slope, tree models flatten out.
#![deny(missing_docs)]

mod config;
mod dispatch;
mod error;
mod job;
mod journal;
mod live;
pub mod report;
mod run;
#[cfg(feature = "torch")]
pub mod slurm;
#[cfg(feature = "torch")]
mod torch;
#[cfg(feature = "torch")]
pub mod torch_job;

/// The identity of this build's code: crate version and a hash of the
/// sources of this crate and every naap-* crate it uses (`build/code_id.rs`).
/// A search's journal carries it ([`journal_header`]), so a resumed search
/// never replays decisions of another build.
pub const CODE_ID: &str = env!("NAAP_CODE_ID");

pub use config::{SearchConfig, SearchValidConfig};
pub use dispatch::{BatchTrainer, LocalPool};
pub use error::{Error, Result};
pub use job::{report_event, SearchPlan, SearchRequest, FINISHED, OUTPUTS, RESUMABLE};
pub use journal::{Batch, Journal, Submission};
pub use live::{EpochTrainer, LiveSource, SearchEvent};
pub use run::{candidate, journal_header, run_search, Decision, RankedCandidate, SearchReport};
#[cfg(feature = "torch")]
pub use torch::TorchTrainer;

#[cfg(test)]
mod tests;
