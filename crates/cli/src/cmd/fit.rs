//! `naap fit`: fit one predictor and save it as a file for `naap predict`.

use crate::exit::{self, Outcome};
use crate::output;
use anyhow::Context;
use naap_dataset::Dataset;
use naap_predict::features::{Feature, FeatureSet, FEATURE_SET_NAMES};
use naap_predict::predictor::{DatasetSource, Predictor};
use naap_predict::protocol::PAPER_SEEDS;
use naap_predict::select::{best_subset, Mode};
use std::path::{Path, PathBuf};

/// Arguments of `naap fit`.
///
/// Prepares the rows as `naap baseline` does (sorted by MaxAccuracy,
/// NumParams and NumMACs log-transformed, a standard scaler fitted on the
/// fitting rows only), fits the model with the seed and writes a predictor
/// file: model and hyper-parameters, features, scaler, fitted parameters,
/// the dataset's SHA-256, the rows and the seed. By default it fits on the
/// published train rows and prints the test rows' MAE, violations and
/// Kendall τ, which equal `naap baseline`'s for that model, set and seed;
/// `--all-rows` fits on every row for production use.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("columns").required(true).args(["feature_set", "features"])))]
pub struct Args {
    /// Dataset CSV to fit on.
    #[arg(long, value_name = "PATH")]
    dataset: PathBuf,
    /// Model, as `naap baseline` and `naap select-features` name it.
    #[arg(long, value_name = "NAME", value_parser = model_names())]
    model: String,
    /// Feature set by name (with --from-selection: the searched set).
    #[arg(long, value_name = "NAME", long_help = set_help())]
    feature_set: Option<String>,
    /// Feature columns, comma-separated (e.g. NumParams,NumStages,e3Accuracy).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    features: Vec<String>,
    /// A `naap select-features` output folder: fit on the best subset its
    /// search found for this model, --mode and --feature-set.
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

/// The registry's names, listed by `--help` and checked by clap. clap
/// (without its `string` feature) wants `'static` names: the few dozen
/// bytes are leaked once per process.
fn model_names() -> clap::builder::PossibleValuesParser {
    let names: Vec<&'static str> = naap_predict::models::regressor_names()
        .into_iter()
        .map(|name| &*Box::leak(name.into_boxed_str()))
        .collect();
    clap::builder::PossibleValuesParser::new(names)
}

fn set_help() -> String {
    format!("Feature set by name (with --from-selection: the searched set): {FEATURE_SET_NAMES}")
}

/// Runs `naap fit`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let out = output::file(&args.output, args.force)?;
    let spec = args
        .model
        .parse::<naap_predict::models::RegressorSpec>()?
        .build();
    let set = feature_set(&args).map_err(exit::usage)?;
    let dataset = Dataset::read(&args.dataset)
        .map_err(exit::usage)
        .with_context(|| format!("reading dataset {}", args.dataset.display()))?;
    let source = DatasetSource::of_file(&args.dataset).map_err(exit::usage)?;
    let fitting =
        |e| predict_error(e).context(format!("fitting {} on {}", spec.name(), set.name()));
    let predictor = if args.all_rows {
        Predictor::fit(&dataset, &*spec, &set, args.seed).map_err(fitting)?
    } else {
        let (predictor, s) = Predictor::fit_and_score_published(&dataset, &*spec, &set, args.seed)
            .map_err(fitting)?;
        let tau = s
            .kendall_tau
            .map_or("undefined".to_string(), |t| format!("{t:.4}"));
        eprintln!(
            "naap: {} on {}: test MAE {:.4}, violations {}/{}, Kendall tau {tau} ({} test rows)",
            spec.name(),
            set.name(),
            s.mae,
            s.violations,
            s.max_violations,
            dataset.rows.iter().filter(|r| r.is_test).count()
        );
        predictor
    };
    let predictor = predictor.with_source(source);
    let json = predictor.to_json().map_err(predict_error)?;
    out.commit(json.as_bytes()).map_err(output::error)?;
    eprintln!(
        "naap: fitted {} on {} rows ({} features, seed {}): {}",
        spec.name(),
        predictor.training().rows,
        set.features().len(),
        args.seed,
        out.display()
    );
    Ok(Outcome::Done)
}

/// The feature set the flags name.
fn feature_set(args: &Args) -> anyhow::Result<FeatureSet> {
    if !args.features.is_empty() {
        let features = args
            .features
            .iter()
            .map(|f| f.parse::<Feature>())
            .collect::<naap_predict::Result<Vec<_>>>()?;
        let name = features
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("+");
        return Ok(FeatureSet::new(name, features)?);
    }
    let name = args
        .feature_set
        .as_deref()
        .expect("clap requires a set or columns");
    let set = FeatureSet::named(name)?;
    match (&args.from_selection, &args.mode) {
        (Some(dir), Some(mode)) => {
            let mode: Mode = mode.parse()?;
            let path = dir.join("results.csv");
            let bytes = read(&path)?;
            Ok(best_subset(
                &bytes,
                &path.display().to_string(),
                mode,
                &args.model,
                &set,
            )?)
        }
        _ => Ok(set),
    }
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Input errors exit 2, a model that cannot be fitted exits 1.
pub fn predict_error(e: naap_predict::Error) -> anyhow::Error {
    match e {
        naap_predict::Error::InvalidInput(_) => exit::usage(e),
        _ => anyhow::Error::new(e),
    }
}
