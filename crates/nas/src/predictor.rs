//! The bridge to naap-predict: fit a model on some rows, predict others.
//!
//! Candidate rows are rebuilt from the meter's paid curves only, so a
//! feature that needs an unpaid epoch fails instead of leaking.

use crate::meter::Meter;
use crate::Result;
use naap_dataset::Row;
use naap_predict::features::FeatureSet;
use naap_predict::protocol::TrainTest;
use naap_predict::Regressor;

/// A dataset row holding only what the search paid for: the scheme's
/// features, the first `epochs` paid epochs and `max_accuracy` (NaN when
/// unknown).
pub(crate) fn observed_row(
    meter: &Meter<'_>,
    model_id: u32,
    epochs: u32,
    max_accuracy: f64,
) -> Result<Row> {
    let curve = meter.curve(model_id)?;
    if (curve.len() as u32) < epochs {
        return Err(crate::Error::NotPaid(format!(
            "{epochs} epochs of ModelId {model_id}, {} trained",
            curve.len()
        )));
    }
    let scheme = meter
        .candidates()
        .iter()
        .find(|c| c.model_id == model_id)
        .map(|c| c.scheme)
        .expect("the meter knows its candidates");
    Ok(Row {
        model_id,
        is_test: false,
        scheme,
        max_accuracy,
        epochs: curve[..epochs as usize].to_vec(),
        extra: Vec::new(),
    })
}

/// Fits `model` on `train` (features of `set`, target MaxAccuracy; the
/// scaler fitted on `train` only, as the paper's protocol) and predicts the
/// MaxAccuracy of `candidates`.
pub(crate) fn fit_predict(
    model: &dyn Regressor,
    set: &FeatureSet,
    train: &[&Row],
    candidates: &[&Row],
    seed: u64,
) -> Result<Vec<f64>> {
    let data = TrainTest::build(train, candidates, set)?;
    let fitted = model.fit(data.x_train.view(), data.y_train.view(), seed)?;
    Ok(fitted.predict(data.x_test.view())?)
}
