//! `naap search`: a neural-architecture search that trains real candidates.
//!
//! Thin: turns the flags into naap-search's request, which the library
//! resolves (candidates, strategy settings, training recipe, CIFAR-10) and
//! runs into the claimed folder; this module draws the progress. Built only
//! with the `train` feature.

use crate::args::{SchemeArgs, StrategyArgs, TrainingArgs};
use crate::exit::Outcome;
use std::path::PathBuf;

/// Arguments of `naap search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Candidates: every scheme of a space config (TOML or JSON)
    #[arg(long, value_name = "FILE", conflicts_with = "schemes")]
    space: Option<PathBuf>,
    // Candidates: a scheme list (--schemes) or the space's schemes, and --ids in either.
    #[command(flatten)]
    schemes: SchemeArgs,
    // --strategy (exactly one) and its settings, as `naap nas simulate` takes them.
    #[command(flatten)]
    strategy: StrategyArgs,
    /// Full curves the fold protocol fits its predictor on (a dataset CSV, e.g. naap440.csv)
    #[arg(long, value_name = "CSV", help_heading = "Strategy")]
    known_dataset: Option<PathBuf>,
    /// Most scheme-epochs to train; the search then answers with its incumbent
    #[arg(long, value_name = "N", help_heading = "Budget")]
    budget_epochs: Option<u64>,
    /// Most hours of training wall time (the batch running when it runs out finishes)
    #[arg(long, value_name = "H", help_heading = "Budget")]
    budget_hours: Option<f64>,
    #[command(flatten)]
    training: TrainingArgs,
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Output folder: ranking.csv, summary.md, config.toml, schemes.json,
    /// logs/ (every candidate's log and checkpoint), journal.jsonl, slurm/
    /// (with --dispatch slurm: each array's script and task outputs)
    ///
    /// Killed and started again with the same command, a search resumes
    /// from its journal and checkpoints and trains nothing twice.
    #[arg(short, long, value_name = "DIR", default_value = "search")]
    output: PathBuf,
    /// Start over: clear an earlier or interrupted search in the folder
    #[arg(long)]
    force: bool,
    /// Resume a search interrupted under another build of naap: discard its
    /// journal's decisions and search again, retraining its checkpoints
    /// from scratch (as `naap train --resume-stale`)
    #[arg(long, conflicts_with = "force")]
    resume_stale: bool,
    /// No progress output
    #[arg(short, long)]
    quiet: bool,
}

/// Where the candidates train: here, or as Slurm array tasks.
#[derive(Debug, clap::Args)]
struct ClusterArgs {
    /// Where candidates train: `local` (--jobs at a time here) or `slurm`
    /// (each batch one `sbatch --array`, one task per candidate, running
    /// `naap train` into the output folder, which every node must share)
    #[arg(long, value_enum, default_value = "local", help_heading = "Cluster")]
    dispatch: Dispatch,
    /// Slurm partition of every task
    #[arg(long, value_name = "NAME", help_heading = "Cluster")]
    slurm_partition: Option<String>,
    /// Generic resources of every task, e.g. `gpu:1`
    #[arg(long, value_name = "GRES", help_heading = "Cluster")]
    slurm_gres: Option<String>,
    /// Time limit of every task, e.g. `02:00:00`
    #[arg(long, value_name = "TIME", help_heading = "Cluster")]
    slurm_time: Option<String>,
    /// More sbatch arguments, split on whitespace, e.g. "--qos=high --account=lab"
    #[arg(long, value_name = "ARGS", help_heading = "Cluster")]
    slurm_extra: Option<String>,
    /// Resubmissions of a failed or cancelled task before its candidate is
    /// reported as failed (charged what ran, never picked) [default: 2]
    #[arg(long, value_name = "N", help_heading = "Cluster")]
    slurm_retries: Option<u32>,
    /// Longest wait between two looks at the queue, seconds [default: 30]
    #[arg(long, value_name = "SECS", help_heading = "Cluster")]
    slurm_poll: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Dispatch {
    Local,
    Slurm,
}

/// Runs `naap search`.
#[cfg(not(feature = "train"))]
pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    Err(super::needs_train_feature())
}

/// Runs `naap search`.
#[cfg(feature = "train")]
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    enabled::run(args)
}

#[cfg(feature = "train")]
mod enabled {
    use super::{Args, ClusterArgs, Dispatch};
    use crate::exit::Outcome;
    use crate::progress;
    use naap_search::slurm::SlurmOptions;
    use naap_search::torch_job::{self, TorchSearchJob, TrainingRequest};
    use naap_search::{SearchPlan, SearchRequest};
    use std::time::{Duration, Instant};

    /// The dispatch the flags ask for; a Slurm flag without
    /// `--dispatch slurm` is refused, not ignored.
    fn dispatch(c: &ClusterArgs) -> anyhow::Result<torch_job::Dispatch> {
        let given = [
            ("--slurm-partition", c.slurm_partition.is_some()),
            ("--slurm-gres", c.slurm_gres.is_some()),
            ("--slurm-time", c.slurm_time.is_some()),
            ("--slurm-extra", c.slurm_extra.is_some()),
            ("--slurm-retries", c.slurm_retries.is_some()),
            ("--slurm-poll", c.slurm_poll.is_some()),
        ];
        if c.dispatch == Dispatch::Local {
            if let Some((flag, _)) = given.iter().find(|g| g.1) {
                return Err(
                    naap_search::Error::Config(format!("{flag} needs --dispatch slurm")).into(),
                );
            }
            return Ok(torch_job::Dispatch::Local);
        }
        let poll = c.slurm_poll.unwrap_or(30.0);
        if !(poll.is_finite() && (0.1..=3600.0).contains(&poll)) {
            return Err(naap_search::Error::Config(format!(
                "--slurm-poll must be between 0.1 and 3600 seconds, got {poll}"
            ))
            .into());
        }
        let retries = c.slurm_retries.unwrap_or(2);
        if retries > 100 {
            return Err(naap_search::Error::Config(format!(
                "--slurm-retries must be at most 100, got {retries}"
            ))
            .into());
        }
        Ok(torch_job::Dispatch::Slurm(SlurmOptions {
            naap_bin: std::env::current_exe()?,
            partition: c.slurm_partition.clone(),
            gres: c.slurm_gres.clone(),
            time: c.slurm_time.clone(),
            extra: c
                .slurm_extra
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(String::from)
                .collect(),
            retries,
            poll_max: Duration::from_secs_f64(poll),
        }))
    }

    pub fn run(args: Args) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let t = &args.training;
        let job = TorchSearchJob::resolve(
            &SearchRequest {
                space: args.space.clone(),
                schemes: args.schemes.path(&t.cifar.data_root()),
                ids: args.schemes.ids.as_ref().map(ToString::to_string),
                strategies: args.strategy.strategy.clone(),
                seed: args.strategy.seed,
                predictor: args.strategy.predictor.clone(),
                flags: args.strategy.flags(),
                known_dataset: args.known_dataset.clone(),
                budget_epochs: args.budget_epochs,
                budget_hours: args.budget_hours,
                jobs: t.jobs,
            },
            &TrainingRequest {
                data: t.cifar.path()?,
                train_limit: t.train_limit,
                test_limit: t.test_limit,
                threads: t.threads,
                device: t.device.clone(),
                dispatch: dispatch(&args.cluster)?,
            },
        )?;
        let run_dir = naap_output::RunDir::claim(&args.output, &SearchPlan::claim(args.force))?;
        for line in job.describe() {
            note!("naap search: {line}");
        }
        let bars = progress::bars_enabled(args.quiet);
        let bar = progress::Bars::with_notes(bars, !args.quiet, "naap search: ");
        let done = torch_job::run(&job, run_dir, args.resume_stale, &bar)?;
        crate::stdout(format_args!("{}", done.summary))?;
        let o = &done.report.outcome;
        note!(
            "naap search: ModelId {} found with {} scheme-epochs ({} replayed batches) in {:.1} s; outputs in {}",
            o.found,
            o.epochs_spent,
            done.report.replayed_batches,
            started.elapsed().as_secs_f64(),
            args.output.display()
        );
        Ok(Outcome::Done)
    }
}
