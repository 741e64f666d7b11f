//! `naap search` with the real trainer: the [`SearchPlan`] plus the training
//! recipe and CIFAR-10, resolved before the run folder is claimed, and
//! [`run`], which trains the search into it.

use crate::job::{report_event, SearchPlan, SearchRequest};
use crate::run::{run_search, SearchReport};
use crate::slurm::{SlurmDispatch, SlurmOptions};
use crate::torch::TorchTrainer;
use crate::LocalPool;
use crate::{Error, Result};
use naap_output::{Progress, RunDir};
use naap_train::{Cifar10, SchemeJob, TrainConfig, TrainValidConfig};
use serde::Serialize;
use std::path::PathBuf;

/// The training side of a search request.
#[derive(Debug, Clone, Default)]
pub struct TrainingRequest {
    /// CIFAR-10 (binary batches or image folders, folder or `.tar.gz`).
    pub data: PathBuf,
    /// Train on this many images, spread over the set.
    pub train_limit: Option<usize>,
    /// Test on this many images, spread over the set.
    pub test_limit: Option<usize>,
    /// libtorch threads per job (default: the cores divided by the jobs).
    pub threads: Option<usize>,
    /// `auto`, `cpu`, `cuda` or `cuda:K`.
    pub device: Option<String>,
    /// Where the candidates train.
    pub dispatch: Dispatch,
}

/// Where a search's candidates train.
#[derive(Debug, Clone, Default)]
pub enum Dispatch {
    /// Here, `--jobs` schemes at a time.
    #[default]
    Local,
    /// One Slurm array per batch ([`crate::slurm`]).
    Slurm(SlurmOptions),
}

/// A search with its training recipe and data, ready to run.
pub struct TorchSearchJob {
    plan: SearchPlan,
    train: TrainValidConfig,
    data_path: PathBuf,
    trains: Trains,
    device: Option<String>,
    config_toml: String,
}

/// Where the job's candidates train, with what that needs.
enum Trains {
    /// Here, on CIFAR-10 loaded once.
    Local(Cifar10),
    /// As Slurm tasks, which load CIFAR-10 themselves.
    Slurm(SlurmOptions),
}

/// Everything the search's results depend on: `config.toml`, and the
/// identity a resume must match.
#[derive(Serialize)]
struct ConfigFile<'a> {
    search: &'a crate::SearchConfig,
    train: &'a TrainConfig,
}

/// A setting of the training recipe outside its domain is the user's.
fn recipe_error(e: naap_train::Error) -> Error {
    Error::Config(e.to_string())
}

impl TorchSearchJob {
    /// Resolves the search ([`SearchPlan::resolve`]) and the training recipe
    /// (the search's epochs and seed), and reads CIFAR-10: bad data is bad
    /// input found before the run folder is claimed.
    pub fn resolve(search: &SearchRequest, training: &TrainingRequest) -> Result<TorchSearchJob> {
        let plan = SearchPlan::resolve(search)?;
        let s = plan.config().get();
        let mut c = TrainConfig {
            epochs: s.max_epochs as usize,
            recipe: naap_train::Recipe {
                seed: s.seed,
                ..Default::default()
            },
            train_limit: training.train_limit,
            test_limit: training.test_limit,
            ..TrainConfig::default()
        };
        let jobs = plan.config().jobs().get();
        c.threads = naap_train::threads_per_job(training.threads.unwrap_or(c.threads), jobs);
        if let Some(d) = &training.device {
            c.device = d.parse().map_err(recipe_error)?;
        }
        let train = c.validate().map_err(recipe_error)?;
        let t = train.get();
        let read_error = |e: Box<dyn std::error::Error + Send + Sync>| Error::Read {
            what: "CIFAR-10 from",
            path: training.data.clone(),
            source: e,
        };
        let trains = match &training.dispatch {
            Dispatch::Local => Trains::Local(
                naap_train::load_cifar10(&training.data, t.train_limit, t.test_limit)
                    .map_err(|e| read_error(Box::new(e)))?,
            ),
            // Each task loads it; a path that is not there fails here, once.
            Dispatch::Slurm(options) => {
                std::fs::metadata(&training.data).map_err(|e| read_error(Box::new(e)))?;
                Trains::Slurm(options.clone())
            }
        };
        let config_toml = toml::to_string(&ConfigFile {
            search: s,
            train: train.get(),
        })?;
        Ok(TorchSearchJob {
            plan,
            train,
            data_path: training.data.clone(),
            trains,
            device: training.device.clone(),
            config_toml,
        })
    }

    /// The search side.
    pub fn plan(&self) -> &SearchPlan {
        &self.plan
    }

    /// Lines worth telling the user before training.
    pub fn describe(&self) -> Vec<String> {
        self.plan.describe(&self.data_path)
    }
}

/// The `naap train` flags of a Slurm task besides its scheme and epochs:
/// the search's recipe, data and threads, so that a task trains as the
/// local trainer would.
fn task_args(job: &TorchSearchJob, resume_stale: bool) -> Result<Vec<String>> {
    let t = job.train.get();
    let data = std::path::absolute(&job.data_path).map_err(Error::io(&job.data_path))?;
    let mut args = vec![
        "--seed".to_string(),
        t.recipe.seed.to_string(),
        "--threads".into(),
        job.train.threads().to_string(),
        "--data".into(),
        data.display().to_string(),
    ];
    for (flag, value) in [
        ("--train-limit", t.train_limit),
        ("--test-limit", t.test_limit),
    ] {
        if let Some(n) = value {
            args.extend([flag.to_string(), n.to_string()]);
        }
    }
    if let Some(d) = &job.device {
        args.extend(["--device".to_string(), d.clone()]);
    }
    if resume_stale {
        args.push("--resume-stale".into());
    }
    Ok(args)
}

/// What [`run`] did.
#[derive(Debug, Clone)]
pub struct SearchSummary {
    /// The search's account and ranking.
    pub report: SearchReport,
    /// `summary.md`, as written.
    pub summary: String,
}

/// Trains the search of `job` into `run_dir`, resuming from its journal and
/// checkpoints (or, with `resume_stale`, discarding those of another
/// build), and writes its outputs; progress counts scheme-epochs.
pub fn run(
    job: &TorchSearchJob,
    run_dir: RunDir,
    resume_stale: bool,
    progress: &dyn Progress,
) -> Result<SearchSummary> {
    let plan = &job.plan;
    let mut journal = plan.start(&run_dir, &job.config_toml, resume_stale)?;
    let jobs: Vec<SchemeJob> = plan
        .candidates()
        .iter()
        .map(|c| {
            let id = c.id;
            Ok(SchemeJob {
                id,
                scheme: plan.schemes()[id.index()].clone(),
                macs: c.scheme.num_macs,
            })
        })
        .collect::<Result<_>>()?;
    progress.start(plan.epoch_limit(), "scheme-epochs");
    let on_train = |e: naap_train::Event| {
        if let naap_train::Event::EpochDone { .. } = e {
            progress.advance(1);
        }
    };
    let on_event = |e| report_event(progress, plan.epoch_limit(), e);
    let report = match &job.trains {
        Trains::Local(data) => {
            let trainer = TorchTrainer::new(
                jobs,
                data,
                job.train.clone(),
                &run_dir.path().join("logs"),
                plan.config().jobs().get(),
                resume_stale,
                &on_train,
            )?;
            let pool = LocalPool::new(&trainer, plan.config().jobs().get());
            run_search(
                plan.config(),
                plan.candidates().to_vec(),
                plan.known(),
                &pool,
                &mut journal,
                &on_event,
            )
        }
        Trains::Slurm(options) => {
            let dispatch = SlurmDispatch::new(
                options.clone(),
                run_dir.path(),
                task_args(job, resume_stale)?,
                job.train.threads(),
                progress,
            )?;
            run_search(
                plan.config(),
                plan.candidates().to_vec(),
                plan.known(),
                &dispatch,
                &mut journal,
                &on_event,
            )
        }
    };
    progress.finish();
    let report = report.map_err(|e| Error::Context {
        context: format!("searching into {}", run_dir.path().display()),
        source: Box::new(e),
    })?;
    let summary = plan.finish(run_dir, &report)?;
    Ok(SearchSummary { report, summary })
}
