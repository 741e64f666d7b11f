//! `naap train`: train schemes on CIFAR-10 with the NAAP recipe.
//!
//! Thin: resolves paths and the config (defaults, then `--config`, then flags),
//! selects the ids (`--ids`, `--shard`), and hands them to
//! `naap_train::train_schemes`, drawing its progress events. Built only with
//! the `train` feature, which links libtorch; without it the command says how
//! to rebuild.

use crate::exit::Outcome;
use std::path::PathBuf;

/// Arguments of `naap train`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scheme list (JSON) [default: <data-dir>/naap440/generated_schemes.json]
    #[arg(long, value_name = "FILE")]
    schemes: Option<PathBuf>,
    /// Scheme ids to train, e.g. 1,5,10-20 [default: all]
    #[arg(long, value_name = "IDS")]
    ids: Option<String>,
    /// Take slice I of N of the ids (1 <= I <= N), e.g. one Slurm array task
    ///
    /// Ids are dealt round robin, so the N shards are disjoint, together cover
    /// every id, and mix small and large schemes.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// CIFAR-10: binary batches or {train,test}/{class}/ images, folder or .tar.gz
    ///
    /// Default: the first of <data-dir>/cifar10/cifar-10-binary.tar.gz,
    /// <data-dir>/cifar10/cifar-10-batches-bin and
    /// <data-dir>/cifar10/cifar10-jpg.tar.gz that exists.
    #[arg(long, value_name = "PATH")]
    data: Option<PathBuf>,
    /// Output folder: scheme_{id}.txt logs, checkpoints/, config.toml
    ///
    /// A run resumes into its output folder: finished schemes are skipped and
    /// unfinished ones continue from their last finished epoch.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Data folder for the defaults [default: $NAAP_DATA_DIR, else ./data]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Training recipe (TOML); flags below override it
    #[arg(long, value_name = "FILE", help_heading = "Recipe")]
    config: Option<PathBuf>,
    /// Epochs per scheme [default: 90]
    #[arg(long, value_name = "N", help_heading = "Recipe")]
    epochs: Option<usize>,
    /// Seed of init and shuffling [default: 20220819]
    #[arg(long, value_name = "N", help_heading = "Recipe")]
    seed: Option<u64>,
    /// Train on N images, spread evenly over the set [default: all]
    #[arg(long, value_name = "N", help_heading = "Recipe")]
    train_limit: Option<usize>,
    /// Test on N images, spread evenly over the set [default: all]
    #[arg(long, value_name = "N", help_heading = "Recipe")]
    test_limit: Option<usize>,
    /// Schemes trained at once [default: 1]
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        help_heading = "Resources"
    )]
    jobs: usize,
    /// Device: auto, cpu, cuda or cuda:K [default: auto]
    #[arg(long, value_name = "DEVICE", help_heading = "Resources")]
    device: Option<String>,
    /// libtorch threads per job [default: cores / jobs]
    #[arg(long, value_name = "N", help_heading = "Resources")]
    threads: Option<usize>,
    /// On a CUDA device, replay each training step from a CUDA graph (needs the `cuda` feature)
    #[arg(long, help_heading = "Resources")]
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
    Err(crate::exit::usage(anyhow::anyhow!(
        "naap was built without training support; rebuild with \
         `cargo build --release -p naap --features train` (needs libtorch: scripts/setup-libtorch.sh)"
    )))
}

/// Runs `naap train`.
#[cfg(feature = "train")]
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    enabled::run(args)
}

#[cfg(feature = "train")]
pub(crate) use enabled::default_cifar;

#[cfg(feature = "train")]
mod enabled {
    use super::Args;
    use crate::exit::{self, Outcome};
    use crate::{data_dir, progress};
    use anyhow::Context;
    use indicatif::{MultiProgress, ProgressBar};
    use naap_train::{Event, SchemeJob, SchemeOutcome, TrainConfig, TrainValidConfig};
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
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
        let data_root = data_dir::from_env(args.data_dir.as_deref());
        let config = resolve_config(&args)?;
        let jobs = select_jobs(&args, &data_root)?;
        let data_path = match &args.data {
            Some(p) => p.clone(),
            None => default_cifar(&data_root)?,
        };
        if args.jobs == 0 {
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
            concurrency: args.jobs,
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
        c.seed = args.seed.unwrap_or(c.seed);
        c.threads = args.threads.unwrap_or(c.threads);
        c.train_limit = args.train_limit.or(c.train_limit);
        c.test_limit = args.test_limit.or(c.test_limit);
        c.cuda_graphs |= args.cuda_graphs;
        if let Some(d) = &args.device {
            c.device = d.parse().map_err(mark)?;
        }
        c.validate().map_err(mark)
    }

    fn select_jobs(args: &Args, data_root: &Path) -> anyhow::Result<Vec<SchemeJob>> {
        let path = args
            .schemes
            .clone()
            .unwrap_or_else(|| data_dir::naap440_file(data_root, "generated_schemes.json"));
        let schemes = naap_space::read_schemes(&path)
            .map_err(exit::usage)
            .with_context(|| format!("reading schemes {}", path.display()))?;
        let mut ids: Vec<usize> = match &args.ids {
            Some(text) => naap_train::parse_ids(text, schemes.len()).map_err(mark)?,
            None => (1..=schemes.len()).collect(),
        };
        if let Some(shard) = &args.shard {
            ids = shard
                .parse::<naap_train::Shard>()
                .map_err(mark)?
                .select(&ids);
        }
        let profile_config = naap_profile::ProfileConfig::default().validate()?;
        ids.into_iter()
            .map(|id| {
                let scheme = schemes[id - 1].clone();
                let p = naap_profile::profile(&scheme, &profile_config)
                    .map_err(exit::usage)
                    .with_context(|| format!("profiling scheme {id} of {}", path.display()))?;
                Ok(SchemeJob {
                    id,
                    scheme,
                    macs: p.num_macs,
                })
            })
            .collect()
    }

    pub(crate) fn default_cifar(data_root: &Path) -> anyhow::Result<PathBuf> {
        let dir = data_root.join("cifar10");
        let candidates = [
            "cifar-10-binary.tar.gz",
            "cifar-10-batches-bin",
            "cifar10-jpg.tar.gz",
        ]
        .map(|n| dir.join(n));
        candidates
            .iter()
            .find(|p| p.exists())
            .cloned()
            .ok_or_else(|| {
                exit::usage(anyhow::anyhow!(
                "no CIFAR-10 found in {} (looked for cifar-10-binary.tar.gz, cifar-10-batches-bin, \
                 cifar10-jpg.tar.gz); pass --data PATH",
                dir.display()
            ))
            })
    }

    /// Renders events: an overall bar of epochs and one bar per running scheme
    /// on a terminal, else one plain line per epoch.
    struct Display {
        multi: Option<MultiProgress>,
        overall: Option<ProgressBar>,
        per_scheme: Mutex<HashMap<usize, (ProgressBar, usize)>>,
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
