//! `naap predict`: apply a predictor file to schemes.

use crate::cmd::fit::predict_error;
use crate::exit::{self, Outcome};
use crate::output;
use anyhow::Context;
use naap_dataset::Dataset;
use naap_predict::predictor::{predict_schemes, predictions_csv, Curves, Predictor};
use std::path::PathBuf;

/// Arguments of `naap predict`.
///
/// Scheme features come from profiling each scheme of --schemes, so any
/// valid scheme can be predicted, not only the 440. Epoch features come
/// from training logs in the paper's format (--logs, e.g. what `naap train
/// --epochs 3` writes; a longer log is cut at the epochs the predictor
/// needs) or a dataset CSV (--dataset, whose MaxAccuracy is then written
/// beside the prediction), converted as `naap dataset build` converts them.
/// Writes ModelId,PredictedAccuracy,PredictedRank[,MaxAccuracy] (rank 1 =
/// highest prediction, ties by ModelId). A scheme whose curve is missing
/// or too short is an input error (exit 2, nothing written) unless
/// --skip-incomplete, which predicts the rest and exits 3.
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
    ids: Option<String>,
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
    let out = output::file(&args.output, args.force)?;
    let predictor = Predictor::load(&args.predictor).map_err(predict_error)?;
    let schemes = naap_space::read_schemes(&args.schemes).map_err(exit::usage)?;
    let ids = match &args.ids {
        Some(list) => parse_ids(list).map_err(exit::usage)?,
        None => (1..=schemes.len() as u32).collect(),
    };
    if let Some(id) = ids.iter().find(|&&id| id as usize > schemes.len()) {
        return Err(exit::usage(anyhow::anyhow!(
            "--ids: scheme {id} is not in {} ({} schemes)",
            args.schemes.display(),
            schemes.len()
        )));
    }
    let logs;
    let dataset;
    let curves = if let Some(path) = &args.logs {
        logs = naap_dataset::read_logs(path).map_err(exit::usage)?;
        Curves::Logs(&logs)
    } else if let Some(path) = &args.dataset {
        dataset = Dataset::read(path)
            .map_err(exit::usage)
            .with_context(|| format!("reading dataset {}", path.display()))?;
        Curves::Dataset(&dataset)
    } else {
        Curves::None
    };
    let batch = predict_schemes(&predictor, &schemes, &ids, curves, args.skip_incomplete)
        .map_err(predict_error)?;
    out.commit(&predictions_csv(&batch))
        .map_err(output::error)?;
    for s in &batch.skipped {
        eprintln!("naap: skipped {}", s.reason);
    }
    eprintln!(
        "naap: {} predicted with {} ({}), {} skipped: {}",
        batch.predictions.len(),
        predictor.model().name,
        predictor.feature_set().name(),
        batch.skipped.len(),
        out.display()
    );
    Ok(if batch.skipped.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// `1-3,7` → [1, 2, 3, 7]; ids are ≥ 1 and listed once.
fn parse_ids(list: &str) -> anyhow::Result<Vec<u32>> {
    let mut ids = Vec::new();
    for part in list.split(',') {
        let number = |s: &str| -> anyhow::Result<u32> {
            match s.trim().parse::<u32>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => anyhow::bail!("--ids: '{s}' is not a scheme number (1, 2, ...)"),
            }
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                anyhow::ensure!(a <= b, "--ids: range '{part}' runs backwards");
                ids.extend(a..=b);
            }
            None => ids.push(number(part)?),
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = ids.iter().find(|id| !seen.insert(**id)) {
        anyhow::bail!("--ids: scheme {dup} is listed twice");
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_and_ranges() {
        assert_eq!(parse_ids("1-3,7").unwrap(), [1, 2, 3, 7]);
        assert_eq!(parse_ids("5").unwrap(), [5]);
        for bad in ["0", "3-1", "a", "1,,2", "1,1", ""] {
            assert!(parse_ids(bad).is_err(), "{bad}");
        }
    }
}
