//! Stage 3 of the naap pipeline: training schemes on CIFAR-10 with libtorch.
//!
//! Reads a scheme list (`naap_space`) and CIFAR-10 (binary batches or image
//! folders, as a folder or `.tar.gz`: [`load_cifar10`]); trains each scheme
//! with the NAAP-440 recipe ([`TrainConfig`]); writes per scheme a log in the
//! paper's format (`scheme_{id}.txt`, read by `naap dataset build`) and a
//! checkpoint after every epoch, from which a killed run resumes.
//!
//! Start at [`train_schemes`]. The recipe and the network follow Hakim,
//! "NAAP-440 Dataset and Baseline for Neural Architecture Accuracy
//! Prediction" (2022), <https://arxiv.org/abs/2209.06626>.
#![deny(missing_docs)]

mod bench;
pub mod checkpoint;
mod cifar;
mod config;
mod error;
mod gpu;
mod job;
mod model;
mod paper_log;
mod proxies;
mod proxies_job;
mod run;
mod schedule;
mod select;
mod sgd;
pub mod shim;
mod stats;
mod trainer;

/// The identity of this build's code: crate version and a hash of the sources
/// of this crate and the workspace crates it uses (`build/code_id.rs`).
/// Checkpoints carry it, so a resumed run never reuses epochs of another build.
pub const CODE_ID: &str = env!("NAAP_CODE_ID");

pub use bench::{train_step_ops, train_step_throughput, StepOps};
pub use cifar::{
    load_cifar10, normalise, Cifar10, CifarSplit, IMAGE_BYTES, IMAGE_SIDE, NUM_CLASSES,
};
pub use config::{DeviceChoice, Recipe, TrainConfig, TrainValidConfig};
pub use error::{Error, Result};
pub use job::{TrainJob, TrainRequest};
pub use model::{num_params, SchemeNet};
pub use paper_log::PaperLog;
pub use proxies::{
    proxies_csv, proxy_batch, zero_cost_for_schemes, zero_cost_scores, SchemeProxies,
    ZeroCostScores,
};
pub use proxies_job::{ProxiesJob, ProxiesRequest};
pub use run::{resolve_device, threads_per_job, train_schemes, RunOptions, RunSummary};
pub use schedule::lr_for_epoch;
pub use select::{scheme_jobs, Shard};
pub use sgd::{Sgd, SgdKernel};
pub use stats::{loss_mean, loss_median, EpochStats};
pub use trainer::{
    build_model, device_name, epoch_order, train_scheme, DeviceData, Event, SchemeJob,
    SchemeOutcome, SchemePaths,
};
