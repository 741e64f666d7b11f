//! `naap proxies`: zero-cost proxies of schemes at initialisation.
//!
//! Thin: resolves the default paths as `naap train` does and runs
//! `naap_train::ProxiesJob`, which writes one CSV row per ModelId (`ModelId,LogSynFlow,GradNorm,Snip,JacobCov`), ready for
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
    use crate::exit::Outcome;
    use crate::progress;
    use std::time::Instant;

    pub fn run(args: Args) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let job = naap_train::ProxiesJob::resolve(&naap_train::ProxiesRequest {
            schemes: args.schemes.path(&args.cifar.data_root()),
            ids: args.schemes.ids.clone(),
            data: args.cifar.path()?,
            batch: args.batch,
            seed: args.seed,
            threads: args.threads,
        })?;
        let out = naap_output::OutputFile::prepare(&args.output, args.force)?;
        let rows = job.run(&out, &progress::Bars::new(args.quiet))?;
        let secs: f64 = rows.iter().map(|r| r.secs).sum();
        note!(
            "naap proxies: {} scheme(s), batch {}, seed {}, {:.2} s/scheme ({:.1} s in all): {}",
            rows.len(),
            args.batch,
            job.seed(),
            secs / rows.len().max(1) as f64,
            started.elapsed().as_secs_f64(),
            args.output.display()
        );
        Ok(Outcome::Done)
    }
}
