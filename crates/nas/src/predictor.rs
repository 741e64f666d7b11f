//! The bridge to naap-predict's [`Predictor`]: fit on some rows, predict
//! the pool's candidates.
//!
//! Candidates and rows are rebuilt from the meter's paid curves only, so a
//! feature that needs an unpaid epoch fails instead of leaking.

use crate::meter::Meter;
use crate::Result;
use naap_dataset::Architecture;
use naap_dataset::Row;
use naap_predict::features::FeatureSet;
use naap_predict::models::Regressor;
use naap_predict::predictor::Predictor;
use naap_space::ModelId;

fn paid_prefix(
    meter: &Meter<'_>,
    model_id: ModelId,
    epochs: u32,
) -> Result<Vec<naap_dataset::EpochRecord>> {
    let curve = meter.curve(model_id)?;
    if (curve.len() as u32) < epochs {
        return Err(crate::Error::NotPaid(format!(
            "{epochs} epochs of ModelId {model_id}, {} trained",
            curve.len()
        )));
    }
    Ok(curve[..epochs as usize].to_vec())
}

/// An architecture holding only what the search paid for: the free
/// features and the first `epochs` paid epochs.
pub(crate) fn observed_candidate(
    meter: &Meter<'_>,
    model_id: ModelId,
    epochs: u32,
) -> Result<Architecture> {
    let free = meter.member(model_id)?.clone();
    Ok(free.with_epochs(paid_prefix(meter, model_id, epochs)?))
}

/// A training row from a scheme the search trained fully: its paid curve
/// and `max_accuracy`, the best accuracy it observed.
pub(crate) fn observed_row(meter: &Meter<'_>, model_id: ModelId, max_accuracy: f64) -> Result<Row> {
    let free = meter.member(model_id)?;
    Ok(Row {
        architecture: free.clone().with_epochs(meter.curve(model_id)?.to_vec()),
        is_test: false,
        max_accuracy,
    })
}

/// What a fitted `predictor` predicts for each of `ids`, from their free
/// features and the paid epochs it reads.
pub(crate) fn predict(
    meter: &Meter<'_>,
    predictor: &Predictor,
    ids: &[ModelId],
) -> Result<Vec<f64>> {
    let candidates = ids
        .iter()
        .map(|&id| observed_candidate(meter, id, predictor.epochs_needed()))
        .collect::<Result<Vec<_>>>()?;
    Ok(predictor.predict_named(&candidates, |i| format!("ModelId {}", ids[i]))?)
}

/// Fits a [`Predictor`] of `spec` on `train` (features of `set`, target
/// MaxAccuracy, the scaler fitted on `train` only, as the paper's protocol)
/// and predicts the MaxAccuracy of each of `ids`, from what was paid.
pub(crate) fn fit_predict(
    meter: &Meter<'_>,
    spec: &dyn Regressor,
    set: &FeatureSet,
    train: &[&Row],
    ids: &[ModelId],
    seed: u64,
) -> Result<Vec<f64>> {
    let predictor = Predictor::fit_rows(train, spec, set, seed)?;
    predict(meter, &predictor, ids)
}
