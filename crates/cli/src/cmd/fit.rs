//! `naap fit`: fit one predictor and save it as a file for `naap predict`.

use crate::exit::Outcome;
use naap_predict::features::{Feature, FEATURE_SET_NAMES};
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::{FitColumns, FitJob};
use naap_predict::protocol::PAPER_SEEDS;
use std::path::PathBuf;

/// What `naap fit --help` says above the options.
pub const LONG_ABOUT: &str = "Fit one predictor and save it as a file.

Prepares the rows as `naap baseline` does (sorted by MaxAccuracy, NumParams and NumMACs \
log-transformed, a standard scaler fitted on the fitting rows only), fits the regressor with the \
seed and writes a predictor file: regressor and hyper-parameters, features, scaler, fitted \
parameters, the dataset's SHA-256, the rows and the seed. By default it fits on the \
published train rows and prints the test rows' MAE, violations and Kendall τ, which equal \
`naap baseline`'s for that regressor, set and seed; `--all-rows` fits on every row for \
production use.";

/// Arguments of `naap fit` (its help: [`LONG_ABOUT`]).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("columns").required(true).args(["feature_set", "features"])))]
pub struct Args {
    /// Dataset CSV to fit on.
    #[arg(long, value_name = "PATH")]
    dataset: PathBuf,
    /// Regressor, as `naap baseline` and `naap select-features` name it.
    #[arg(long, value_name = "NAME", value_parser = regressors())]
    model: RegressorSpec,
    /// Feature set by name (with --from-selection: the searched set).
    #[arg(long, value_name = "NAME", long_help = set_help())]
    feature_set: Option<String>,
    /// Feature columns, comma-separated (e.g. NumParams,NumStages,e3Accuracy).
    // With --from-selection the selection names the columns: both at once
    // would silently drop one of them.
    #[arg(
        long,
        value_name = "A,B,...",
        value_delimiter = ',',
        conflicts_with = "from_selection"
    )]
    features: Vec<String>,
    /// A `naap select-features` output folder: fit on the best subset its
    /// search found for this regressor, --mode and --feature-set.
    #[arg(long, value_name = "DIR", requires_all = ["mode", "feature_set"])]
    from_selection: Option<PathBuf>,
    /// Split mode of the search to take the subset from (with --from-selection).
    #[arg(long, value_name = "MODE", requires = "from_selection")]
    mode: Option<String>,
    /// Fitting seed.
    #[arg(long, value_name = "N", default_value_t = PAPER_SEEDS[0])]
    seed: u64,
    /// Fit on every row (no test score); for production use.
    #[arg(long)]
    all_rows: bool,
    /// The predictor file to write (`-` for standard output).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Replace an existing predictor file.
    #[arg(long)]
    force: bool,
}

/// The registry's names, listed by `--help` and checked by clap, parsed to
/// their spec. clap (without its `string` feature) wants `'static` names:
/// the few dozen bytes are leaked once per process.
fn regressors() -> impl clap::builder::TypedValueParser<Value = RegressorSpec> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = naap_predict::models::regressor_names()
        .into_iter()
        .map(|name| &*Box::leak(name.into_boxed_str()))
        .collect();
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| name.parse().expect("a registry name parses"))
}

fn set_help() -> String {
    format!("Feature set by name (with --from-selection: the searched set): {FEATURE_SET_NAMES}")
}

/// Runs `naap fit`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let out = naap_output::OutputFile::prepare(&args.output, args.force)?;
    let job = FitJob {
        regressor: args.model,
        columns: columns(&args)?,
        dataset: args.dataset,
        seed: args.seed,
        all_rows: args.all_rows,
    };
    let report = job.run(&out)?;
    let (name, set) = (
        &report.predictor.model().name,
        report.predictor.feature_set(),
    );
    if let Some((s, test_rows)) = &report.test {
        let tau = s
            .kendall_tau
            .map_or("undefined".to_string(), |t| format!("{t:.4}"));
        note!(
            "naap: {name} on {}: test MAE {:.4}, violations {}/{}, Kendall tau {tau} ({test_rows} test rows)",
            set.name(),
            s.mae,
            s.violations,
            s.max_violations,
        );
    }
    note!(
        "naap: fitted {name} on {} rows ({} features, seed {}): {}",
        report.predictor.training().rows,
        set.features().len(),
        job.seed,
        out.display()
    );
    Ok(Outcome::Done)
}

/// The columns the flags name.
fn columns(args: &Args) -> naap_predict::Result<FitColumns> {
    if !args.features.is_empty() {
        let features = args.features.iter().map(|f| f.parse::<Feature>());
        return Ok(FitColumns::Features(features.collect::<Result<_, _>>()?));
    }
    let set = args
        .feature_set
        .as_deref()
        .expect("clap requires a set or columns")
        .parse()?;
    Ok(match (&args.from_selection, &args.mode) {
        (Some(dir), Some(mode)) => FitColumns::FromSelection {
            dir: dir.clone(),
            mode: mode.parse()?,
            set,
        },
        _ => FitColumns::Set(set),
    })
}
