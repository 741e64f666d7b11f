//! Fitting a deterministic model once for all protocol seeds.
//!
//! k-NN, the linear family and the SVRs ignore the fitting seed, so the
//! 5-seed protocol would fit the same model five times. The search instead
//! fits once and hands the protocol a stand-in "model" that returns those
//! predictions for every seed: the noise and the scoring stay exactly the
//! protocol's own ([`crate::protocol::evaluate`]), per seed.

use crate::models::ModelSpec;
use crate::protocol::{self, Evaluation, PredictionNoise, TrainTest};
use crate::{FittedRegressor, Regressor, Result};
use ndarray::{ArrayView1, ArrayView2};

/// [`protocol::evaluate`], fitting a seed-independent model only once.
pub fn evaluate(
    spec: &ModelSpec,
    data: &TrainTest,
    seeds: &[u64],
    noise: Option<PredictionNoise>,
) -> Result<Evaluation> {
    let model = spec.regressor();
    match seeds.first() {
        Some(&first) if !spec.uses_seed() => {
            let fitted = model.fit(data.x_train.view(), data.y_train.view(), first)?;
            let fixed = Fixed {
                name: model.name(),
                predictions: fitted.predict(data.x_test.view())?,
            };
            protocol::evaluate(&fixed, data, seeds, noise)
        }
        _ => protocol::evaluate(model, data, seeds, noise),
    }
}

/// A stand-in model whose every fit predicts the same, precomputed values
/// for the test rows it was computed on.
struct Fixed<'a> {
    name: &'a str,
    predictions: Vec<f64>,
}

struct FixedFit(Vec<f64>);

impl Regressor for Fixed<'_> {
    fn name(&self) -> &str {
        self.name
    }

    fn fit(
        &self,
        _x: ArrayView2<'_, f64>,
        _y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        Ok(Box::new(FixedFit(self.predictions.clone())))
    }
}

impl FittedRegressor for FixedFit {
    fn predict(&self, _x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        Ok(self.0.clone())
    }
}
