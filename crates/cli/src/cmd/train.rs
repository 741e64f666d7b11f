//! `naap train`: train schemes on CIFAR-10 with the NAAP recipe.
//!
//! Thin: resolves the default paths, hands the flags to
//! `naap_train::TrainJob` (which resolves the config, defaults then
//! `--config` then flags, and the ids, `--ids` and `--shard`) and draws its
//! progress events. Built only with
//! the `train` feature, which links libtorch; without it the command says how
//! to rebuild.

use crate::args::{SchemeArgs, TrainingArgs};
use crate::exit::Outcome;
use std::path::PathBuf;

/// Arguments of `naap train`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    schemes: SchemeArgs,
    /// Take slice I of N of the ids (1 <= I <= N), e.g. one Slurm array task
    ///
    /// Ids are dealt round robin, so the N shards are disjoint, together cover
    /// every id, and mix small and large schemes.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Output folder: scheme_{id}.txt logs, checkpoints/, config.toml
    ///
    /// A run resumes into its output folder: finished schemes are skipped and
    /// unfinished ones continue from their last finished epoch.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Training recipe (TOML); flags below override it
    #[arg(long, value_name = "FILE", help_heading = "Recipe")]
    config: Option<PathBuf>,
    /// Epochs per scheme [default: 90]
    #[arg(long, value_name = "N", help_heading = "Recipe")]
    epochs: Option<usize>,
    /// Seed of init and shuffling [default: 20220819]
    #[arg(
        long,
        value_name = "N",
        help_heading = "Recipe",
        value_parser = crate::args::seed_parser()
    )]
    seed: Option<u64>,
    #[command(flatten)]
    training: TrainingArgs,
    /// On a CUDA device, replay each training step from a CUDA graph (needs the `cuda` feature)
    #[arg(long, help_heading = "Training")]
    cuda_graphs: bool,
    /// Retrain from scratch the schemes whose checkpoints another build of naap wrote
    ///
    /// Without it such checkpoints stop the run before it trains anything (exit 2):
    /// epochs made by other code are never resumed.
    #[arg(long)]
    resume_stale: bool,
    /// No progress output
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `naap train`.
#[cfg(not(feature = "train"))]
pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    Err(super::needs_train_feature())
}

/// Runs `naap train`.
#[cfg(feature = "train")]
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    enabled::run(args)
}

#[cfg(feature = "train")]
mod enabled {
    use super::Args;
    use crate::exit::Outcome;
    use crate::progress;
    use anyhow::Context;
    use indicatif::{MultiProgress, ProgressBar};
    use naap_train::{Event, SchemeOutcome};
    use std::collections::HashMap;
    use std::sync::Mutex;

    pub fn run(args: Args) -> anyhow::Result<Outcome> {
        let t = &args.training;
        let job = naap_train::TrainJob::resolve(&naap_train::TrainRequest {
            schemes: args.schemes.path(&t.cifar.data_root()),
            ids: args.schemes.ids.clone(),
            shard: args.shard.clone(),
            out: args.out.clone(),
            config: args.config.clone(),
            epochs: args.epochs,
            seed: args.seed,
            threads: t.threads,
            train_limit: t.train_limit,
            test_limit: t.test_limit,
            cuda_graphs: args.cuda_graphs,
            device: t.device.clone(),
            jobs: t.jobs,
            data: t.cifar.path()?,
            resume_stale: args.resume_stale,
        })?;
        let epochs = job.config().epochs();
        note!(
            "naap train: {} scheme(s), {epochs} epoch(s), data {}",
            job.schemes().len(),
            job.data().display()
        );
        let display = Display::new(
            job.schemes().len(),
            epochs,
            progress::bars_enabled(args.quiet),
            args.quiet,
        );
        let summary = job
            .run(&|e| display.on(e))
            .with_context(|| format!("training into {}", args.out.display()))?;
        display.finish();
        for (id, reason) in &summary.failed {
            note!("naap train: scheme {id} failed: {reason}");
        }
        note!(
            "naap train: {} trained, {} already done, {} failed in {:.1} s on {} ({:.0} img/s); outputs in {}",
            summary.trained.len(),
            summary.already_done.len(),
            summary.failed.len(),
            summary.secs,
            summary.device,
            summary.train_images as f64 / summary.secs.max(1e-9),
            args.out.display()
        );
        Ok(if summary.failed.is_empty() {
            Outcome::Done
        } else {
            Outcome::SomeFailed
        })
    }

    /// Renders events: an overall bar of epochs and one bar per running scheme
    /// on a terminal, else one plain line per epoch.
    struct Display {
        multi: Option<MultiProgress>,
        overall: Option<ProgressBar>,
        per_scheme: Mutex<HashMap<naap_space::ModelId, (ProgressBar, usize)>>,
        epochs: usize,
        quiet: bool,
    }

    impl Display {
        fn new(schemes: usize, epochs: usize, bars: bool, quiet: bool) -> Display {
            let multi = bars.then(MultiProgress::new);
            let overall = multi.as_ref().map(|m| {
                m.add(progress::bar(
                    (schemes * epochs) as u64,
                    "all schemes (epochs)",
                    true,
                ))
            });
            Display {
                multi,
                overall,
                per_scheme: Mutex::new(HashMap::new()),
                epochs,
                quiet,
            }
        }

        fn on(&self, event: Event) {
            let mut per = self.per_scheme.lock().unwrap_or_else(|e| e.into_inner());
            match event {
                Event::SchemeStarted {
                    id,
                    epochs_done,
                    batches,
                    ..
                } => {
                    let bar = match &self.multi {
                        Some(m) => {
                            m.add(progress::bar(batches as u64, &format!("scheme {id}"), true))
                        }
                        None => ProgressBar::hidden(),
                    };
                    if let Some(o) = &self.overall {
                        o.inc(epochs_done as u64);
                    }
                    per.insert(id, (bar, epochs_done));
                }
                Event::BatchDone { id, epoch, batch } => {
                    if let Some((bar, _)) = per.get(&id) {
                        bar.set_position(batch as u64);
                        bar.set_message(format!("scheme {id} epoch {epoch}/{}", self.epochs));
                    }
                }
                Event::EpochDone {
                    id,
                    epoch,
                    lr,
                    stats,
                    secs,
                } => {
                    if let Some((_, done)) = per.get_mut(&id) {
                        *done = epoch;
                    }
                    if let Some(o) = &self.overall {
                        o.inc(1);
                    } else if !self.quiet {
                        note!(
                            "scheme {id} epoch {epoch}/{}: lr {lr:.4}, loss mean {:.5} median {:.5}, accuracy {}, {secs:.1} s",
                            self.epochs, stats.loss_mean, stats.loss_median, stats.accuracy
                        );
                    }
                }
                Event::SchemeFinished { id, outcome } => {
                    let done = per.remove(&id).map(|(bar, done)| {
                        bar.finish_and_clear();
                        done
                    });
                    if let Some(o) = &self.overall {
                        // Count what this scheme will never run, so the total stays reachable.
                        o.inc((self.epochs - done.unwrap_or(0)) as u64);
                    }
                    let line = match outcome {
                        SchemeOutcome::Trained { epochs_run } => {
                            format!("scheme {id}: trained {epochs_run} epoch(s)")
                        }
                        SchemeOutcome::AlreadyDone => format!("scheme {id}: already done"),
                        SchemeOutcome::Failed(reason) => format!("scheme {id}: failed: {reason}"),
                    };
                    match &self.multi {
                        Some(m) => {
                            let _ = m.println(line);
                        }
                        None if !self.quiet => note!("{line}"),
                        None => {}
                    }
                }
            }
        }

        fn finish(&self) {
            if let Some(o) = &self.overall {
                o.finish_and_clear();
            }
        }
    }
}
