//! `naap baseline`: the paper's 24 regressors on its 4 feature sets.

use crate::args::{DatasetArgs, FontArgs};
use crate::exit::Outcome;
use crate::progress;
use naap_predict::baseline::BaselineJob;
use std::path::PathBuf;
use std::time::Instant;

/// What `naap baseline --help` says above the options.
pub const LONG_ABOUT: &str = "Run the paper's 24 regressors on its 4 feature sets and score them.

Protocol of Hakim (2022): rows sorted by MaxAccuracy, the published train/test split, \
NumParams and NumMACs log-transformed, a standard scaler fitted on the train rows. Every \
(regressor, feature set) is fitted with seeds 20220905..20220909 and reported by the seed \
with the median number of monotonicity violations. Writes results.csv, table.md, table.tex, \
config.toml and figures/ into the output folder.";

/// Arguments of `naap baseline` (its help: [`LONG_ABOUT`]).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset (default: naap440.csv in the data folder).
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "baseline")]
    output: PathBuf,
    /// Skip the per-cell PNG figures.
    #[arg(long)]
    no_figures: bool,
    #[command(flatten)]
    font: FontArgs,
    /// The extended study: every regressor of the registry (the 24, the
    /// transformed targets, Nu-SVR, LcSVR) on the paper's sets plus the
    /// zero-cost, learning-curve, SoTL and curve-extrapolation sets for 0, 1,
    /// 2, 3, 6 and 9 epochs; also writes budget.md (the best predictor per
    /// epochs spent), budget.png and proxies.md (Spearman of each proxy).
    /// The dataset needs the zero-cost columns (`naap proxies`, then
    /// `naap dataset join`).
    #[arg(long)]
    extended: bool,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `naap baseline`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let (dataset_path, _, dataset) = args.dataset.read("naap440.csv")?;
    let job = BaselineJob::new(dataset_path, dataset, args.extended, !args.no_figures)?;
    if !args.no_figures {
        args.font.load()?;
    }
    // The folder is ours from here on: a second run into it fails at once,
    // and with --force nothing of an earlier run (old figures) survives.
    let run_dir = naap_output::RunDir::claim(&args.output, &job.claim(args.force))?;
    let report = job.run(run_dir, &progress::Bars::new(args.quiet))?;
    if let Some((budget, proxies)) = &report.extended_tables {
        note_raw!("{budget}\n{proxies}");
    }
    for f in &report.failures {
        note!(
            "naap: {} on {} failed (seed {}): {}",
            f.model,
            f.feature_set,
            f.seed,
            f.message
        );
    }
    note!(
        "naap: baseline {} cells ({} models x {} feature sets x {} seeds), {} failed, \
         {} figures, in {:.1}s: {}",
        report.cells,
        report.regressors,
        report.feature_sets,
        report.seeds,
        report.failures.len(),
        report.figures,
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(if report.failures.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}
