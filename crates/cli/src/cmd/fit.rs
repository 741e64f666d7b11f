//! `naap fit`: fit one predictor and save it as a file for `naap predict`.

use crate::exit::Outcome;
use naap_predict::features::{Feature, FEATURE_SET_NAMES};
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::{CvFitJob, CvSelect, FitColumns, FitJob};
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
    /// Regressor, as `naap baseline` and `naap select-features` name it, or
    /// the mean of several, `Mean(A + B)` (with --select-by: the
    /// candidates, comma-separated or repeated).
    #[arg(long, value_name = "NAME", value_parser = regressors(), value_delimiter = ',', required = true)]
    model: Vec<RegressorSpec>,
    /// Feature set by name (with --from-selection: the searched set; with
    /// --select-by: repeated, the candidates).
    #[arg(long, value_name = "NAME", long_help = set_help())]
    feature_set: Vec<String>,
    /// Choose among the --model and --feature-set candidates by K-fold
    /// cross-validation on the fitting rows only (never the test rows):
    /// `--select-by cv 5`. The file records every candidate's scores.
    #[arg(long, num_args = 2, value_names = ["cv", "K"], conflicts_with_all = ["features", "from_selection"])]
    select_by: Vec<String>,
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

/// A regressor by name: a registry name (the error lists them) or a mean
/// of several, `Mean(A + B)`.
fn regressors() -> impl clap::builder::TypedValueParser<Value = RegressorSpec> {
    |name: &str| name.parse::<RegressorSpec>().map_err(|e| e.to_string())
}

fn set_help() -> String {
    format!("Feature set by name (with --from-selection: the searched set): {FEATURE_SET_NAMES}")
}

/// Runs `naap fit`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let select = select(&args)?;
    let out = naap_output::OutputFile::prepare(&args.output, args.force)?;
    let report = match select {
        Some(select) => CvFitJob {
            dataset: args.dataset.clone(),
            select,
        }
        .run(&out)?,
        None => FitJob {
            regressor: args.model[0].clone(),
            columns: columns(&args)?,
            dataset: args.dataset.clone(),
            seed: args.seed,
            all_rows: args.all_rows,
            selection: None,
        }
        .run(&out)?,
    };
    if let Some(s) = &report.predictor.training().selection {
        let c = &s.candidates[s.chosen];
        note!(
            "naap: chose {} on {} of {} candidates by {}-fold cross-validation on {} rows: \
             {} violations of {} held-out pairs, MAE {:.4}",
            c.model,
            c.feature_set,
            s.candidates.len(),
            s.folds,
            s.rows,
            c.violations,
            c.max_violations,
            c.mae
        );
    }
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
        args.seed,
        out.display()
    );
    Ok(Outcome::Done)
}

/// The cross-validated choice the flags ask for, if any; several
/// candidates without `--select-by` are refused, not cut to the first.
fn select(args: &Args) -> naap_predict::Result<Option<CvSelect>> {
    let bad = |m: String| naap_predict::Error::InvalidInput(m);
    if args.select_by.is_empty() {
        if args.model.len() > 1 || args.feature_set.len() > 1 {
            return Err(bad(format!(
                "{} models and {} feature sets given: choosing among several needs --select-by cv K",
                args.model.len(),
                args.feature_set.len()
            )));
        }
        return Ok(None);
    }
    let (method, k) = (&args.select_by[0], &args.select_by[1]);
    if method != "cv" {
        return Err(bad(format!(
            "--select-by: expected `cv K`, got method '{method}'"
        )));
    }
    let folds = k.parse::<usize>().map_err(|_| {
        bad(format!(
            "--select-by cv: K must be a whole number, got '{k}'"
        ))
    })?;
    let sets = args
        .feature_set
        .iter()
        .map(|s| s.parse())
        .collect::<naap_predict::Result<Vec<_>>>()?;
    Ok(Some(CvSelect {
        models: args.model.clone(),
        sets,
        folds,
        seed: args.seed,
        all_rows: args.all_rows,
    }))
}

/// The columns the flags name.
fn columns(args: &Args) -> naap_predict::Result<FitColumns> {
    if !args.features.is_empty() {
        let features = args.features.iter().map(|f| f.parse::<Feature>());
        return Ok(FitColumns::Features(features.collect::<Result<_, _>>()?));
    }
    let set = args
        .feature_set
        .first()
        .map(String::as_str)
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
