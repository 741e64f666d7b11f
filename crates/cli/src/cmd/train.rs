//! `naap train`: train schemes on CIFAR-10 with the NAAP recipe.
//!
//! Thin: resolves paths and the config (defaults, then `--config`, then flags),
//! selects the ids (`--ids`, `--shard`), and hands them to
//! `naap_train::train_schemes`, drawing its progress events. Built only with
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
    #[arg(long, value_name = "N", help_heading = "Recipe")]
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
    use crate::exit::{self, Outcome};
    use crate::progress;
    use anyhow::Context;
    use indicatif::{MultiProgress, ProgressBar};
    use naap_train::{Event, SchemeJob, SchemeOutcome, TrainConfig, TrainValidConfig};
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::Mutex;

    /// Marks library errors caused by the user's input so they exit 2.
    fn mark(e: naap_train::Error) -> anyhow::Error {
        if e.is_bad_input() {
            exit::usage(e)
        } else {
            e.into()
        }
    }

    pub fn run(args: Args) -> anyhow::Result<Outcome> {
        let t = &args.training;
        let config = resolve_config(&args)?;
        let jobs = select_jobs(&args, &t.cifar.data_root())?;
        let data_path = t.cifar.path()?;
        if t.jobs == 0 {
            return Err(exit::usage(anyhow::anyhow!("--jobs must be at least 1")));
        }
        let c = config.get();
        eprintln!(
            "naap train: {} scheme(s), {} epoch(s), data {}",
            jobs.len(),
            c.epochs,
            data_path.display()
        );
        // Whatever stops the data from loading (missing, unreadable, malformed) is bad input.
        let data = naap_train::load_cifar10(&data_path, c.train_limit, c.test_limit)
            .map_err(exit::usage)
            .with_context(|| format!("reading CIFAR-10 from {}", data_path.display()))?;
        let display = Display::new(
            jobs.len(),
            c.epochs,
            progress::bars_enabled(args.quiet),
            args.quiet,
        );
        let options = naap_train::RunOptions {
            concurrency: t.jobs,
            resume_stale: args.resume_stale,
        };
        let summary = naap_train::train_schemes(&jobs, &data, &config, &args.out, &options, &|e| {
            display.on(e)
        })
        .map_err(mark)
        .with_context(|| format!("training into {}", args.out.display()))?;
        display.finish();
        for (id, reason) in &summary.failed {
            eprintln!("naap train: scheme {id} failed: {reason}");
        }
        eprintln!(
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

    /// Defaults, then the config file, then flags.
    fn resolve_config(args: &Args) -> anyhow::Result<TrainValidConfig> {
        let mut c = match &args.config {
            Some(p) => TrainConfig::from_toml(p)
                .map_err(mark)
                .context("reading the training config")?,
            None => TrainConfig::default(),
        };
        c.epochs = args.epochs.unwrap_or(c.epochs);
        c.recipe.seed = args.seed.unwrap_or(c.recipe.seed);
        let t = &args.training;
        c.threads = t.threads.unwrap_or(c.threads);
        c.train_limit = t.train_limit.or(c.train_limit);
        c.test_limit = t.test_limit.or(c.test_limit);
        c.cuda_graphs |= args.cuda_graphs;
        if let Some(d) = &t.device {
            c.device = d.parse().map_err(mark)?;
        }
        c.validate().map_err(mark)
    }

    fn select_jobs(args: &Args, data_root: &Path) -> anyhow::Result<Vec<SchemeJob>> {
        let jobs = args.schemes.jobs(data_root)?;
        Ok(match &args.shard {
            Some(shard) => shard.parse::<naap_train::Shard>()?.select(&jobs),
            None => jobs,
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
                        eprintln!(
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
                        None if !self.quiet => eprintln!("{line}"),
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
