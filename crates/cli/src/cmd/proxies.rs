//! `naap proxies`: zero-cost proxies of schemes at initialisation.
//!
//! Thin: resolves the schemes, ids and CIFAR-10 path as `naap train` does,
//! hands them to `naap_train::zero_cost_for_schemes` and writes one CSV row
//! per ModelId (`ModelId,LogSynFlow,GradNorm,Snip,JacobCov`), ready for
//! `naap dataset join`. Built only with the `train` feature (libtorch).

use crate::args::{CifarArgs, SchemeArgs};
use crate::exit::Outcome;
use std::path::PathBuf;

/// Arguments of `naap proxies`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    schemes: SchemeArgs,
    #[command(flatten)]
    cifar: CifarArgs,
    /// Training images in the one fixed minibatch
    #[arg(long, value_name = "N", default_value_t = 64)]
    batch: usize,
    /// Seed of the init (as `naap train`) and of the minibatch draw [default: the recipe's, 20220819]
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// libtorch threads [default: all cores]
    #[arg(long, value_name = "N", value_parser = crate::args::thread_count())]
    threads: Option<usize>,
    /// Output CSV
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Replace the output file if it exists
    #[arg(long)]
    force: bool,
    /// No progress bar
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `naap proxies`.
#[cfg(not(feature = "train"))]
pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    Err(super::needs_train_feature())
}

/// Runs `naap proxies`.
#[cfg(feature = "train")]
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    enabled::run(args)
}

#[cfg(feature = "train")]
mod enabled {
    use super::Args;
    use crate::exit::{self, Outcome};
    use crate::{output, progress};
    use anyhow::Context;
    use naap_train::TrainConfig;
    use std::time::Instant;

    pub fn run(args: Args) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        if args.batch < 2 {
            return Err(exit::usage(anyhow::anyhow!(
                "--batch must be at least 2 (jacob_cov correlates images), got {}",
                args.batch
            )));
        }
        let out = output::file(&args.output, args.force)?;
        let jobs = args.schemes.jobs(&args.cifar.data_root())?;
        let data_path = args.cifar.path()?;
        let seed = args.seed.unwrap_or(TrainConfig::default().recipe.seed);
        // Only the training split is drawn from; one test image keeps the loader's checks.
        let data = naap_train::load_cifar10(&data_path, None, Some(1))
            .map_err(exit::usage)
            .with_context(|| format!("reading CIFAR-10 from {}", data_path.display()))?;
        let bar = progress::bar(
            jobs.len() as u64,
            "proxies",
            progress::bars_enabled(args.quiet),
        );
        let rows = naap_train::zero_cost_for_schemes(
            &jobs,
            &data.train,
            args.batch,
            seed,
            args.threads,
            &|_| bar.inc(1),
        );
        bar.finish_and_clear();
        let rows = rows.map_err(|e| {
            if e.is_bad_input() {
                exit::usage(e)
            } else {
                e.into()
            }
        })?;
        out.commit(naap_train::proxies_csv(&rows).as_bytes())
            .map_err(output::error)?;
        let secs: f64 = rows.iter().map(|r| r.secs).sum();
        eprintln!(
            "naap proxies: {} scheme(s), batch {}, seed {seed}, {:.2} s/scheme ({:.1} s in all): {}",
            rows.len(),
            args.batch,
            secs / rows.len().max(1) as f64,
            started.elapsed().as_secs_f64(),
            args.output.display()
        );
        Ok(Outcome::Done)
    }
}
