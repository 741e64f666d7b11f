//! Predicting a list of schemes: scheme features from the profiler, epoch
//! features from training logs or a dataset CSV, ranks, and the
//! predictions file (`naap predict`).

use super::Predictor;
use crate::{Error, Result};
use naap_dataset::{Architecture, Dataset, LogFile, TrainingLog};
use naap_space::{ModelId, Scheme};
use std::collections::BTreeMap;

/// Where the epoch features of the schemes come from.
#[derive(Debug, Clone, Copy)]
pub enum Curves<'a> {
    /// None: only a scheme-only predictor can run.
    None,
    /// Training logs in the paper's format, by ModelId (`scheme_{id}.txt`).
    Logs(&'a [LogFile]),
    /// A dataset CSV's rows, by ModelId; its MaxAccuracy is the truth.
    Dataset(&'a Dataset),
}

/// One scheme's prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The scheme's 1-based position in the schemes file.
    pub model_id: u32,
    /// Predicted MaxAccuracy.
    pub predicted: f64,
    /// 1 for the highest prediction; ties ranked by ModelId.
    pub rank: usize,
    /// The true MaxAccuracy, when a dataset gave it.
    pub truth: Option<f64>,
}

/// A scheme left out because its curve is shorter than the predictor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The scheme's ModelId.
    pub model_id: u32,
    /// What is missing.
    pub reason: String,
}

/// The predictions of a batch, in the order of the requested ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Predicted schemes.
    pub predictions: Vec<Prediction>,
    /// Schemes left out (only with `skip_incomplete`).
    pub skipped: Vec<Skipped>,
}

/// Predicts the schemes `ids` (1-based positions in `schemes`).
///
/// Scheme features come from profiling each scheme, so any valid scheme
/// works. Epoch features come from `curves`, cut at the epochs the
/// predictor needs and converted as `naap dataset build` converts them. A
/// scheme whose curve is missing or too short is an input error naming the
/// scheme, or, with `skip_incomplete`, is listed in [`Batch::skipped`]. A
/// log whose scheme is not the scheme of that id, a predictor that needs
/// epochs without `curves`, or a dataset without a column the predictor
/// needs are always errors.
pub fn predict_schemes(
    predictor: &Predictor,
    schemes: &[Scheme],
    ids: &[u32],
    curves: Curves<'_>,
    skip_incomplete: bool,
) -> Result<Batch> {
    let needed = predictor.epochs_needed() as usize;
    let extra: Vec<String> = predictor
        .feature_set()
        .features()
        .iter()
        .filter(|f| matches!(f, crate::features::Feature::Extra(_)))
        .map(ToString::to_string)
        .collect();
    check_curves(predictor, curves, needed, &extra)?;
    let profile_config = naap_profile::ProfileConfig::default()
        .validate()
        .expect("the default profile config is valid");
    let logs: BTreeMap<u32, &LogFile> = match curves {
        Curves::Logs(logs) => logs.iter().map(|l| (l.model_id, l)).collect(),
        _ => BTreeMap::new(),
    };
    let rows: BTreeMap<u32, &naap_dataset::Row> = match curves {
        Curves::Dataset(d) => d.rows.iter().map(|r| (r.id.get(), r)).collect(),
        _ => BTreeMap::new(),
    };
    let mut candidates = Vec::with_capacity(ids.len());
    let mut kept = Vec::with_capacity(ids.len());
    let mut skipped = Vec::new();
    for &id in ids {
        let scheme = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| schemes.get(i))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "scheme {id} is not in the schemes file ({} schemes)",
                    schemes.len()
                ))
            })?;
        let features = naap_profile::profile(scheme, &profile_config)
            .map_err(|e| Error::InvalidInput(format!("scheme {id}: {e}")))?;
        let untrained = Architecture::new(
            ModelId::new(id).map_err(|e| Error::InvalidInput(e.to_string()))?,
            features,
        );
        let (candidate, truth) = match curves {
            _ if needed == 0 && extra.is_empty() => (Ok(untrained), None),
            Curves::None => unreachable!("check_curves refuses a predictor needing curves"),
            Curves::Logs(_) => (
                from_log(id, scheme, untrained, logs.get(&id).copied(), needed)?,
                None,
            ),
            Curves::Dataset(_) => match rows.get(&id) {
                None => (
                    Err(format!(
                        "scheme {id}: no row with ModelId {id} in the dataset"
                    )),
                    None,
                ),
                Some(row) => (
                    from_row(id, untrained, row, needed)?,
                    Some(row.max_accuracy),
                ),
            },
        };
        match candidate {
            Ok(c) => {
                candidates.push(c);
                kept.push((id, truth));
            }
            Err(reason) if skip_incomplete => skipped.push(Skipped {
                model_id: id,
                reason,
            }),
            Err(reason) => return Err(Error::InvalidInput(reason)),
        }
    }
    let predicted = predictor.predict_named(&candidates, |i| format!("scheme {}", kept[i].0))?;
    let mut order: Vec<usize> = (0..predicted.len()).collect();
    order.sort_by(|&a, &b| {
        predicted[b]
            .total_cmp(&predicted[a])
            .then(kept[a].0.cmp(&kept[b].0))
    });
    let mut rank = vec![0; predicted.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    let predictions = kept
        .iter()
        .zip(&predicted)
        .zip(rank)
        .map(|((&(model_id, truth), &predicted), rank)| Prediction {
            model_id,
            predicted,
            rank,
            truth,
        })
        .collect();
    Ok(Batch {
        predictions,
        skipped,
    })
}

/// Errors that hold for every scheme alike, found before any work.
fn check_curves(
    predictor: &Predictor,
    curves: Curves<'_>,
    needed: usize,
    extra: &[String],
) -> Result<()> {
    let bad = |m: String| Err(Error::InvalidInput(m));
    match curves {
        Curves::None if needed > 0 => bad(format!(
            "the predictor needs epochs 1..{needed} of each scheme ({}); give training logs \
             or a dataset",
            predictor.feature_names().join(", ")
        )),
        Curves::None | Curves::Logs(_) if !extra.is_empty() => bad(format!(
            "the predictor needs the dataset columns {}, which only a dataset provides",
            extra.join(", ")
        )),
        Curves::Dataset(d) => {
            if d.num_epochs() < needed {
                return bad(format!(
                    "the predictor needs epochs 1..{needed}, the dataset has {}",
                    d.num_epochs()
                ));
            }
            let columns = d.extra_columns();
            match extra.iter().find(|c| !columns.contains(c)) {
                Some(c) => bad(format!(
                    "the predictor needs column {c}, which the dataset lacks"
                )),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// A candidate from the log of scheme `id`; `Err(reason)` for a missing or
/// short log (skippable), `Result::Err` for a log that cannot be right.
fn from_log(
    id: u32,
    scheme: &Scheme,
    untrained: Architecture,
    log: Option<&LogFile>,
    needed: usize,
) -> Result<std::result::Result<Architecture, String>> {
    let features = &untrained.scheme;
    let Some(file) = log else {
        return Ok(Err(format!("scheme {id}: no training log scheme_{id}.txt")));
    };
    let log = match TrainingLog::parse(&file.bytes, &file.path) {
        Ok(log) => log,
        Err(e @ naap_dataset::Error::Incomplete { .. }) => {
            return Ok(Err(format!("scheme {id}: {e}")));
        }
        Err(e) => return Err(Error::InvalidInput(e.to_string())),
    };
    if log.scheme() != scheme {
        return Err(Error::InvalidInput(format!(
            "{}: the log's scheme is not scheme {id} of the schemes file",
            file.path.display()
        )));
    }
    if (log.num_params(), log.num_macs()) != (features.num_params, features.num_macs) {
        return Err(Error::InvalidInput(format!(
            "{}: #params {} and #MACs {} do not match scheme {id} ({} and {})",
            file.path.display(),
            log.num_params(),
            log.num_macs(),
            features.num_params,
            features.num_macs
        )));
    }
    if log.epochs().len() < needed {
        return Ok(Err(format!(
            "scheme {id}: the log has {} finished epochs, the predictor needs {needed}",
            log.epochs().len()
        )));
    }
    Ok(Ok(untrained.with_log(&log)))
}

/// A candidate from the dataset row of scheme `id`.
fn from_row(
    id: u32,
    untrained: Architecture,
    row: &naap_dataset::Row,
    needed: usize,
) -> Result<std::result::Result<Architecture, String>> {
    let features = &untrained.scheme;
    if (row.scheme.num_params, row.scheme.num_macs) != (features.num_params, features.num_macs) {
        return Err(Error::InvalidInput(format!(
            "scheme {id}: the dataset row has NumParams {} and NumMACs {}, the scheme {} and {}",
            row.scheme.num_params, row.scheme.num_macs, features.num_params, features.num_macs
        )));
    }
    if row.epochs.len() < needed {
        return Ok(Err(format!(
            "scheme {id}: the dataset row has {} epochs, the predictor needs {needed}",
            row.epochs.len()
        )));
    }
    let mut c = untrained.with_epochs(row.epochs.clone());
    c.extra = row.extra.clone();
    Ok(Ok(c))
}

/// The predictions file: `ModelId,PredictedAccuracy,PredictedRank`, plus
/// `MaxAccuracy` when every prediction knows its truth; numbers in
/// shortest round-trip form.
pub fn predictions_csv(batch: &Batch) -> Vec<u8> {
    let with_truth =
        !batch.predictions.is_empty() && batch.predictions.iter().all(|p| p.truth.is_some());
    let mut out = String::from("ModelId,PredictedAccuracy,PredictedRank");
    if with_truth {
        out.push_str(",MaxAccuracy");
    }
    out.push('\n');
    for p in &batch.predictions {
        out.push_str(&format!("{},{},{}", p.model_id, p.predicted, p.rank));
        if let (true, Some(t)) = (with_truth, p.truth) {
            out.push_str(&format!(",{t}"));
        }
        out.push('\n');
    }
    out.into_bytes()
}
