//! `naap train` as a library job: a request (what the user named: paths,
//! ids, recipe overrides) resolved once into a [`TrainJob`] (the schemes to
//! train, the checked config, the data) that [`TrainJob::run`] trains.
//!
//! Resolution follows the one precedence of every naap config: built-in
//! defaults, then the config file, then the request's overrides.

use crate::{
    scheme_jobs, train_schemes, Cifar10, Error, Event, Result, RunOptions, RunSummary, SchemeJob,
    Shard, TrainConfig, TrainValidConfig,
};
use naap_output::Jobs;
use naap_space::IdList;
use std::path::PathBuf;

/// What a user asks `naap train` for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct TrainRequest {
    /// The scheme list (JSON).
    pub schemes: PathBuf,
    /// Only these schemes of the list; all when `None`.
    pub ids: Option<IdList>,
    /// Only slice `I/N` of those ids (a Slurm array task).
    pub shard: Option<String>,
    /// The run folder: logs, checkpoints, config.toml.
    pub out: PathBuf,
    /// A TOML config whose keys override the defaults.
    pub config: Option<PathBuf>,
    /// Overrides of the config.
    pub epochs: Option<usize>,
    /// Seed of init and shuffling.
    pub seed: Option<u64>,
    /// libtorch threads per job.
    pub threads: Option<usize>,
    /// Training images used.
    pub train_limit: Option<usize>,
    /// Test images used.
    pub test_limit: Option<usize>,
    /// Replay training steps from CUDA graphs.
    pub cuda_graphs: bool,
    /// `auto`, `cpu`, `cuda` or `cuda:K`.
    pub device: Option<String>,
    /// Schemes trained at once.
    pub jobs: usize,
    /// CIFAR-10 (binary batches or images, folder or .tar.gz).
    pub data: PathBuf,
    /// Retrain the schemes whose checkpoints another build wrote.
    pub resume_stale: bool,
}

/// A checked training run: every setting resolved, nothing trained yet.
#[derive(Debug, Clone)]
pub struct TrainJob {
    schemes: Vec<SchemeJob>,
    config: TrainValidConfig,
    data: PathBuf,
    out: PathBuf,
    options: RunOptions,
}

impl TrainJob {
    /// Reads the scheme list and the config file and checks every setting,
    /// before any data is loaded or anything written.
    pub fn resolve(r: &TrainRequest) -> Result<TrainJob> {
        let jobs = Jobs::new(r.jobs).map_err(|e| Error::Config(format!("--{e}")))?;
        let mut c = match &r.config {
            Some(path) => TrainConfig::from_toml(path)?,
            None => TrainConfig::default(),
        };
        c.epochs = r.epochs.unwrap_or(c.epochs);
        c.recipe.seed = r.seed.unwrap_or(c.recipe.seed);
        c.threads = r.threads.unwrap_or(c.threads);
        c.train_limit = r.train_limit.or(c.train_limit);
        c.test_limit = r.test_limit.or(c.test_limit);
        c.cuda_graphs |= r.cuda_graphs;
        if let Some(d) = &r.device {
            c.device = d.parse()?;
        }
        let config = c.validate()?;
        let list = naap_space::read_schemes(&r.schemes)?;
        let mut schemes = scheme_jobs(&list, r.ids.as_ref(), &r.schemes)?;
        if let Some(shard) = &r.shard {
            schemes = shard.parse::<Shard>()?.select(&schemes);
        }
        Ok(TrainJob {
            schemes,
            config,
            data: r.data.clone(),
            out: r.out.clone(),
            options: RunOptions {
                concurrency: jobs.get(),
                resume_stale: r.resume_stale,
            },
        })
    }

    /// The schemes to train, in order.
    pub fn schemes(&self) -> &[SchemeJob] {
        &self.schemes
    }

    /// The checked config.
    pub fn config(&self) -> &TrainValidConfig {
        &self.config
    }

    /// Where CIFAR-10 is read from.
    pub fn data(&self) -> &std::path::Path {
        &self.data
    }

    /// Loads CIFAR-10 (a missing or malformed copy is the user's input) and
    /// trains every scheme into the run folder, reporting each event;
    /// per-scheme failures are collected in the summary.
    pub fn run(&self, on_event: &(dyn Fn(Event) + Sync)) -> Result<RunSummary> {
        let c = self.config.get();
        // Whatever stops the data from loading (missing, unreadable,
        // malformed) is the user's input; the message keeps every cause.
        let data = crate::load_cifar10(&self.data, c.train_limit, c.test_limit)
            .map_err(|e| Error::data(&self.data, format!("reading CIFAR-10: {}", causes(&e))))?;
        self.run_on(&data, on_event)
    }

    /// [`TrainJob::run`] on CIFAR-10 already loaded.
    pub fn run_on(&self, data: &Cifar10, on_event: &(dyn Fn(Event) + Sync)) -> Result<RunSummary> {
        train_schemes(
            &self.schemes,
            data,
            &self.config,
            &self.out,
            &self.options,
            on_event,
        )
    }
}

/// An error and its sources, joined as the CLI prints a chain.
pub(crate) fn causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
