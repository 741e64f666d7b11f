//! RankSVM with a squared hinge (an L2-SVM on difference vectors, Joachims
//! 2002): a linear score `w·x` minimising
//! `λ/2 ‖w‖² + (1/P) Σ max(0, 1 − w·(x_i − x_j))²` over the P pairs with
//! `y_i > y_j`, by gradient descent with the step 1/L of its gradient's
//! Lipschitz bound (deterministic: no seed). The scores are then calibrated
//! to accuracy ([`super::Calibration`]).

use ndarray::{ArrayView1, ArrayView2};

use super::{ordered_pairs, Calibration};
use crate::input::{check_fit, check_predict};
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::{FittedRegressor, Regressor, Result};

/// The L2 penalty λ (features are standardised by the protocol's scaler).
const LAMBDA: f64 = 1e-3;
/// Gradient steps.
const ITERATIONS: usize = 300;

/// `RankSVM`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RankSvm;

impl Regressor for RankSvm {
    fn name(&self) -> &str {
        "RankSVM"
    }

    fn uses_seed(&self) -> bool {
        false
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "loss": "pairwise_squared_hinge",
            "lambda": LAMBDA,
            "iterations": ITERATIONS,
            "calibration": "linear",
        })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(self.name(), x, y)?;
        let y: Vec<f64> = y.to_vec();
        let pairs = ordered_pairs(&y);
        let d = x.ncols();
        let rows: Vec<Vec<f64>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
        let mut weights = vec![0.0; d];
        if !pairs.is_empty() {
            let p = pairs.len() as f64;
            let diff = |i: u32, j: u32, k: usize| rows[i as usize][k] - rows[j as usize][k];
            // L ≤ λ + (2/P) Σ ‖x_i − x_j‖²: a step of 1/L never overshoots.
            let lipschitz = LAMBDA
                + 2.0 / p
                    * pairs
                        .iter()
                        .map(|&(i, j)| (0..d).map(|k| diff(i, j, k).powi(2)).sum::<f64>())
                        .sum::<f64>();
            let step = 1.0 / lipschitz;
            let score = |w: &[f64], r: &[f64]| w.iter().zip(r).map(|(a, b)| a * b).sum::<f64>();
            let mut scores: Vec<f64> = vec![0.0; rows.len()];
            let mut grad = vec![0.0; d];
            for _ in 0..ITERATIONS {
                for (s, r) in scores.iter_mut().zip(&rows) {
                    *s = score(&weights, r);
                }
                grad.iter_mut()
                    .zip(&weights)
                    .for_each(|(g, w)| *g = LAMBDA * w);
                for &(i, j) in &pairs {
                    let margin = 1.0 - (scores[i as usize] - scores[j as usize]);
                    if margin > 0.0 {
                        let c = -2.0 * margin / p;
                        for (k, g) in grad.iter_mut().enumerate() {
                            *g += c * diff(i, j, k);
                        }
                    }
                }
                weights
                    .iter_mut()
                    .zip(&grad)
                    .for_each(|(w, g)| *w -= step * g);
            }
        }
        let scores: Vec<f64> = rows
            .iter()
            .map(|r| weights.iter().zip(r).map(|(a, b)| a * b).sum())
            .collect();
        let calibration = Calibration::fit(self.name(), &scores, &y)?;
        Ok(Box::new(FittedRankSvm {
            weights,
            calibration,
        }))
    }
}

/// A fitted [`RankSvm`]: the linear score's weights and the calibration.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedRankSvm {
    weights: Vec<f64>,
    calibration: Calibration,
}

impl FittedRankSvm {
    /// Checks a loaded model.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if self.weights.len() != n_features {
            return Err(corrupt(format!(
                "RankSVM has {} weights for {n_features} features",
                self.weights.len()
            )));
        }
        check_finite("RankSVM weights", &self.weights)?;
        self.calibration.check()
    }
}

impl FittedRegressor for FittedRankSvm {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::RankSvm(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        check_predict(self.weights.len(), x)?;
        Ok(x.rows()
            .into_iter()
            .map(|r| {
                let s: f64 = self.weights.iter().zip(r).map(|(a, b)| a * b).sum();
                self.calibration.apply(s)
            })
            .collect())
    }
}
