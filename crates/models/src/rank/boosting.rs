//! Gradient-boosted trees on the pairwise logistic loss (RankNet's loss,
//! boosted as LambdaMART boosts it, without its NDCG weights): the loss
//! `Σ log(1 + exp(−(s_i − s_j)))` over every pair with `y_i > y_j`, divided
//! by the rows; each round fits a depth-3 regression tree to its negative
//! gradient and adds it to the scores (no further shrinkage: the gradient of
//! the per-row mean is already small, and with a tenth of it the fine order
//! of close rows is still unlearned after 100 rounds). The scores are then
//! calibrated to accuracy ([`super::Calibration`]).

use ndarray::{ArrayView1, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{ordered_pairs, Calibration};
use crate::ensemble::FittedTrees;
use crate::input::check_fit;
use crate::saved::FittedModel;
use crate::tree::{to_f32_rows, Presorted, Tree};
use crate::{FittedRegressor, Regressor, Result};

/// Depth of every boosted tree.
const MAX_DEPTH: usize = 3;
/// The step of every tree (see the module doc).
const LEARNING_RATE: f64 = 1.0;

/// `Pairwise Boosting (N=…)`.
#[derive(Debug, Clone)]
pub struct PairwiseBoosting {
    n_trees: usize,
    name: String,
}

impl PairwiseBoosting {
    /// Boosting with `n_trees` depth-3 trees.
    pub fn new(n_trees: usize) -> Self {
        Self {
            n_trees,
            name: format!("Pairwise Boosting (N={n_trees})"),
        }
    }
}

/// The negative gradient of the pairwise logistic loss at `scores`, per
/// row, divided by the rows so that its scale does not grow with them.
fn negative_gradient(scores: &[f64], pairs: &[(u32, u32)], out: &mut [f64]) {
    out.iter_mut().for_each(|g| *g = 0.0);
    for &(i, j) in pairs {
        let (i, j) = (i as usize, j as usize);
        // d/ds_i log(1 + e^{-(s_i - s_j)}) = -1 / (1 + e^{s_i - s_j})
        let push = 1.0 / (1.0 + (scores[i] - scores[j]).exp());
        out[i] += push;
        out[j] -= push;
    }
    let n = scores.len() as f64;
    out.iter_mut().for_each(|g| *g /= n);
}

impl Regressor for PairwiseBoosting {
    fn name(&self) -> &str {
        &self.name
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "n_estimators": self.n_trees,
            "learning_rate": LEARNING_RATE,
            "max_depth": MAX_DEPTH,
            "loss": "pairwise_logistic",
            "calibration": "linear",
        })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(&self.name, x, y)?;
        let y: Vec<f64> = y.to_vec();
        let pairs = ordered_pairs(&y);
        let data = Presorted::new(x);
        let rows = to_f32_rows(x);
        let n_features = x.ncols();
        let mut scores = vec![0.0; y.len()];
        let mut gradient = vec![0.0; y.len()];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut trees = Vec::with_capacity(self.n_trees);
        for _ in 0..self.n_trees {
            negative_gradient(&scores, &pairs, &mut gradient);
            let tree = Tree::fit(&data, &gradient, None, Some(MAX_DEPTH), &mut rng);
            for (s, row) in scores.iter_mut().zip(rows.chunks_exact(n_features)) {
                *s += LEARNING_RATE * tree.predict_row(row);
            }
            trees.push(tree);
        }
        let calibration = Calibration::fit(&self.name, &scores, &y)?;
        Ok(Box::new(FittedPairwiseBoosting {
            trees: FittedTrees { n_features, trees },
            calibration,
        }))
    }
}

/// A fitted [`PairwiseBoosting`] model: its trees and calibration.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedPairwiseBoosting {
    trees: FittedTrees,
    calibration: Calibration,
}

impl FittedPairwiseBoosting {
    /// Checks a loaded model.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        self.calibration.check()?;
        self.trees.check(n_features)
    }

    /// The uncalibrated ranking scores of the rows of `x`.
    pub fn scores(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.trees.predict_first(x, usize::MAX, |trees, row| {
            LEARNING_RATE * trees.iter().map(|t| t.predict_row(row)).sum::<f64>()
        })
    }
}

impl FittedRegressor for FittedPairwiseBoosting {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::PairwiseBoosting(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        Ok(self
            .scores(x)?
            .into_iter()
            .map(|s| self.calibration.apply(s))
            .collect())
    }
}
