//! `naap evaluate`: predictors scored over training-set sizes, fidelities
//! and trials, as the field compares them (naap_predict::evaluate).

use crate::exit::Outcome;
use crate::progress;
use naap_predict::evaluate::{self, EvaluateJob, EvaluateRequest, TestRows};
use naap_predict::features::FeatureSetSpec;
use naap_predict::models::RegressorSpec;
use std::path::PathBuf;

/// What `naap evaluate --help` says above the options.
pub const LONG_ABOUT: &str = "Score predictors as the field does: many training-set sizes, \
several fidelities (feature sets of more or fewer epochs) and many trials.

Trial t draws its training rows from the dataset's train rows by a shuffle seeded by (--seed, t); \
size n takes the first n, so the sizes are nested within a trial. Each cell (model, feature set, \
size, trial) is fitted as `naap fit` fits (fitting seed --seed + t) and scored on the published \
test rows or, with --test all, on every row it did not train on: MAE, RMSE, Pearson, Spearman, \
Kendall tau-b, violations, precision@10, precision@5% and NDCG@10 (README: `naap evaluate`). \
Writes results.csv (one row per cell), predictions.csv (every prediction, so any metric can be \
recomputed), summary.md (medians and IQR), tau_vs_train_size.png, tau_vs_epochs.png and \
config.toml. Killed and started again with the same command, a run resumes from cells.jsonl.";

/// Arguments of `naap evaluate` (its help: [`LONG_ABOUT`]).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset CSV (v1 or v2).
    #[arg(long, value_name = "PATH")]
    dataset: PathBuf,
    /// Regressors, comma-separated, as `naap fit` names them; or `baseline`,
    /// `extended` or `all` for those lists of `naap baseline`.
    #[arg(long, value_name = "NAMES", value_delimiter = ',', required = true)]
    models: Vec<String>,
    /// A feature set by name (repeatable).
    #[arg(long, value_name = "NAME")]
    feature_set: Vec<String>,
    /// Fidelities: the epochs to give --base-set, comma-separated (0: none).
    #[arg(
        long,
        value_name = "K,...",
        value_delimiter = ',',
        requires = "base_set"
    )]
    epochs: Vec<u32>,
    /// The set --epochs varies, e.g. `Scheme` (Scheme, then Scheme + Quantitative K epochs) or `Scheme8`.
    #[arg(long, value_name = "NAME", requires = "epochs")]
    base_set: Option<String>,
    /// Training-set sizes, comma-separated.
    #[arg(
        long,
        value_name = "N,...",
        value_delimiter = ',',
        default_value = "10,20,40,80,160,400"
    )]
    train_sizes: Vec<usize>,
    /// Trials per (model, set, size).
    #[arg(long, value_name = "N", default_value_t = 20)]
    trials: usize,
    /// Seed of the draws and fits.
    #[arg(long, value_name = "N", default_value_t = 20220905)]
    seed: u64,
    /// Rows scored: `published` (the 40 test rows) or `all` (every row not trained on).
    #[arg(long, value_name = "ROWS", default_value = "published")]
    test: String,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "evaluate")]
    output: PathBuf,
    /// Start over: clear an earlier or interrupted run in the folder.
    #[arg(long)]
    force: bool,
    /// No progress output.
    #[arg(short, long)]
    quiet: bool,
}

fn models(names: &[String]) -> naap_predict::Result<Vec<RegressorSpec>> {
    let mut out = Vec::new();
    for name in names {
        match name.as_str() {
            "baseline" => out.extend(RegressorSpec::baseline()),
            "extended" => out.extend(RegressorSpec::extended()),
            "all" => out.extend(RegressorSpec::all()),
            _ => out.push(name.parse::<RegressorSpec>()?),
        }
    }
    Ok(out)
}

/// Runs `naap evaluate`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let sets = args
        .feature_set
        .iter()
        .map(|s| s.parse::<FeatureSetSpec>())
        .collect::<Result<Vec<_>, _>>()?;
    let epochs = match &args.base_set {
        Some(base) => Some((base.parse::<FeatureSetSpec>()?, args.epochs.clone())),
        None => None,
    };
    let job = EvaluateJob::resolve(&EvaluateRequest {
        dataset: args.dataset.clone(),
        models: models(&args.models)?,
        feature_sets: sets,
        epochs,
        train_sizes: args.train_sizes.clone(),
        trials: args.trials,
        seed: args.seed,
        test: args.test.parse::<TestRows>()?,
    })?;
    let run_dir = naap_output::RunDir::claim(&args.output, &EvaluateJob::claim(args.force))?;
    let bars = progress::Bars::new(args.quiet);
    let done = evaluate::run(&job, run_dir, &bars)?;
    note!(
        "naap evaluate: {} cells ({} resumed); outputs in {}",
        done.cells,
        done.resumed,
        args.output.display()
    );
    Ok(Outcome::Done)
}
