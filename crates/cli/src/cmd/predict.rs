//! `naap predict`: apply a predictor file to schemes.

use crate::exit::Outcome;
use naap_predict::predictor::{CurveSource, PredictJob};
use naap_space::IdList;
use std::path::PathBuf;

/// What `naap predict --help` says above the options.
pub const LONG_ABOUT: &str = "Predict the accuracy of schemes with a predictor file.

Scheme features come from profiling each scheme of --schemes, so any valid scheme can be \
predicted, not only the 440. Epoch features come from training logs in the paper's format \
(--logs, e.g. what `naap train --epochs 3` writes; a longer log is cut at the epochs the \
predictor needs) or a dataset CSV (--dataset, whose MaxAccuracy is then written beside the \
prediction), converted as `naap dataset build` converts them. Writes \
ModelId,PredictedAccuracy,PredictedRank[,MaxAccuracy] (rank 1 = highest prediction, ties by \
ModelId). A scheme whose curve is missing or too short is an input error (exit 2, nothing \
written) unless --skip-incomplete, which predicts the rest and exits 3.";

/// Arguments of `naap predict` (its help: [`LONG_ABOUT`]).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Predictor file written by `naap fit`.
    #[arg(long, value_name = "PATH")]
    predictor: PathBuf,
    /// Schemes file (a JSON list of schemes, as generated_schemes.json).
    #[arg(long, value_name = "PATH")]
    schemes: PathBuf,
    /// Schemes to predict by 1-based position (ModelId), comma-separated,
    /// ranges allowed (1-40,77) [default: all].
    #[arg(long, value_name = "LIST")]
    ids: Option<IdList>,
    /// Training logs scheme_{id}.txt: a folder or a .tar.gz.
    #[arg(long, value_name = "PATH", conflicts_with = "dataset")]
    logs: Option<PathBuf>,
    /// Dataset CSV holding the schemes' epochs (by ModelId).
    #[arg(long, value_name = "PATH")]
    dataset: Option<PathBuf>,
    /// Predict the schemes whose curves suffice, list the others, exit 3.
    #[arg(long)]
    skip_incomplete: bool,
    /// Predictions CSV to write (`-` for standard output).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Replace an existing predictions file.
    #[arg(long)]
    force: bool,
}

/// Runs `naap predict`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let out = naap_output::OutputFile::prepare(&args.output, args.force)?;
    let curves = match (args.logs, args.dataset) {
        (Some(logs), _) => CurveSource::Logs(logs),
        (None, Some(dataset)) => CurveSource::Dataset(dataset),
        (None, None) => CurveSource::None,
    };
    let job = PredictJob {
        predictor: args.predictor,
        schemes: args.schemes,
        ids: args.ids,
        curves,
        skip_incomplete: args.skip_incomplete,
    };
    let report = job.run(&out)?;
    for s in &report.skipped {
        note!("naap: skipped {}", s.reason);
    }
    note!(
        "naap: {} predicted with {} ({}), {} skipped: {}",
        report.predicted,
        report.regressor,
        report.feature_set,
        report.skipped.len(),
        out.display()
    );
    Ok(if report.skipped.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}
