//! `naap select-features`: NAAP-440e feature-subset search per regressor in four
//! split modes (interpolation, left, right and dual extrapolation).

use crate::args::{DatasetArgs, FontArgs};
use crate::exit::Outcome;
use crate::progress;
use naap_predict::select::{Mode, Resume, SelectConfig, SelectJob};
use std::path::PathBuf;
use std::time::Instant;

/// What `naap select-features --help` says above the options.
pub const LONG_ABOUT: &str = "NAAP-440e: search feature subsets per regressor, in four split modes.

For each split mode, regressor and feature set, a best-first search over feature subsets (bit \
flags) starts from all features and flips one flag at a time; each subset is scored \
round(MAE, 3) · sqrt(violation rate) with the baseline's 5-seed median protocol on \
predictions with N(0, 1e-5) noise. Writes results.csv (every subset), best.md, config.toml \
and figures/ (the best subsets, as in the baseline) to DIR. Finished searches go to \
DIR/checkpoint.csv (full precision) as they end, so `--resume` continues an interrupted run \
or extends a finished one. Extrapolation modes run only the regressors that can extrapolate.";

/// Arguments of `naap select-features` (its help: [`LONG_ABOUT`]).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset (default: naap440v2.csv in the data folder).
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "select-features")]
    output: PathBuf,
    /// Split modes, comma-separated [default: all four].
    ///
    /// interpolation, left-extrapolation, right-extrapolation,
    /// dual-extrapolation (or just left, right, dual).
    #[arg(long, value_name = "MODE", value_delimiter = ',', value_parser = parse_mode)]
    modes: Vec<Mode>,
    /// Regressor names as in the outputs, comma-separated [default: all].
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    models: Vec<String>,
    /// Feature sets by epochs, comma-separated: 0 = Scheme8 (all scheme features;
    /// Scheme6 on a v1 dataset), K = Scheme8+Quant.K (plus e1..eK)
    /// [default: 0,3,6,9, or none when --feature-set is given].
    #[arg(long, value_name = "K", value_delimiter = ',')]
    epochs: Vec<u32>,
    /// A feature set by name, searched after those of --epochs; repeat for more.
    ///
    /// Sets with more to search over than --epochs gives:
    /// Scheme8+ZeroCost and Scheme8+ZeroCost+Quant.K add the zero-cost
    /// proxies (LogSynFlow, GradNorm, Snip, JacobCov: a dataset made by
    /// `naap dataset join` with `naap proxies`' output); Scheme8+Quant.K+Curve
    /// and Scheme8+ZeroCost+Quant.K+Curve add LcSVR's curve features of the K
    /// epochs (first and second accuracy differences, their means and stds),
    /// SoTL@K and Extrap90@K. Any name `naap baseline` prints works too
    /// (e.g. 'Scheme + Curve 3 epochs'); at most 64 features.
    #[arg(long = "feature-set", value_name = "NAME")]
    feature_sets: Vec<String>,
    /// Seed of the neighbour choice and the prediction noise.
    #[arg(
        long,
        value_name = "N",
        default_value_t = SelectConfig::default().seed,
        value_parser = crate::args::seed_parser()
    )]
    seed: u64,
    /// Skip the figures (scatter and rank confusion of each best subset).
    #[arg(long)]
    no_figures: bool,
    #[command(flatten)]
    font: FontArgs,
    /// Reuse the finished searches in DIR/checkpoint.csv (an interrupted run).
    ///
    /// Finished searches are reused when the dataset, seed, fitting seeds
    /// and noise are the same; modes, regressors and feature sets may differ.
    #[arg(long)]
    resume: bool,
    /// As --resume, but a checkpoint written by another build of naap is
    /// not refused: its searches are redone (none of its results are kept).
    #[arg(long)]
    resume_stale: bool,
    /// Replace existing outputs (and any checkpoint) in DIR.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_mode(s: &str) -> Result<Mode, String> {
    s.parse().map_err(|e: naap_predict::Error| e.to_string())
}

/// Runs the command.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let defaults = SelectConfig::default();
    let config = SelectConfig {
        modes: or_default(&args.modes, &defaults.modes),
        models: parse_all(&args.models)?,
        // Named sets alone when asked for only them.
        epochs: if args.epochs.is_empty() && !args.feature_sets.is_empty() {
            Vec::new()
        } else {
            or_default(&args.epochs, &defaults.epochs)
        },
        feature_sets: parse_all(&args.feature_sets)?,
        seed: args.seed,
        ..defaults
    };
    let resume = match (args.resume, args.resume_stale) {
        (_, true) => Resume::Stale,
        (true, false) => Resume::Yes,
        (false, false) => Resume::No,
    };
    let job = SelectJob::new(config, resume, !args.no_figures)?;
    job.check_checkpoint(&args.output, args.force)?;
    if !args.no_figures {
        args.font.load()?;
    }
    let (path, bytes, dataset) = args.dataset.read("naap440v2.csv")?;
    let inputs = job.prepare(&path, &bytes, &dataset)?;
    // The folder is ours from here on; a resumed checkpoint stays, every other
    // output of an earlier run is refused (or cleared with --force).
    let run_dir = naap_output::RunDir::claim(&args.output, &job.claim(args.force))?;
    let report = job.run(&inputs, run_dir, &progress::Bars::new(args.quiet))?;
    if let Some(e) = &report.checkpoint_warning {
        note!("naap: warning: the checkpoint could not be written: {e}");
    }
    note!(
        "naap select-features: {} searches ({} resumed), {} subsets, {} figures in {:.1}s; outputs in {}",
        report.searches,
        report.resumed,
        report.subsets,
        report.figures,
        start.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(Outcome::Done)
}

fn or_default<T: Clone>(given: &[T], default: &[T]) -> Vec<T> {
    if given.is_empty() { default } else { given }.to_vec()
}

/// Names (of regressors, feature sets) to their specs; the first bad one
/// fails with the list of good ones.
fn parse_all<T: std::str::FromStr>(names: &[String]) -> Result<Vec<T>, T::Err> {
    names.iter().map(|n| n.parse()).collect()
}
