//! AdaBoost.R2 (Drucker 1997, "Improving regressors using boosting
//! techniques") as scikit-learn's `AdaBoostRegressor(DecisionTreeRegressor(
//! max_depth=3), n_estimators=N, loss='linear')`: each depth-3 tree is fitted
//! on a bootstrap sample drawn with the current row weights, rows it
//! predicts badly gain weight, and the ensemble predicts the weighted
//! median of its trees. Stops early, as scikit-learn does, when a tree is
//! perfect or worse than chance (average loss ≥ 0.5).

use ndarray::{ArrayView1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ensemble::{EnsembleSize, FittedTrees};
use crate::input::check_fit;
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::tree::{to_f32_rows, Presorted, Tree};
use crate::{FittedRegressor, Regressor, Result};

/// Depth of every boosted tree.
const MAX_DEPTH: usize = 3;

/// AdaBoost.R2 with linear loss over `n_trees` trees: `AdaBoost (N=…)`.
#[derive(Debug, Clone)]
pub struct AdaBoost(EnsembleSize);

impl AdaBoost {
    /// AdaBoost.R2 with at most `n_trees` depth-3 trees.
    pub fn new(n_trees: usize) -> Self {
        Self(EnsembleSize::new("AdaBoost", n_trees))
    }
}

impl Regressor for AdaBoost {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn ensemble(&self) -> Option<crate::Ensemble> {
        Some(crate::Ensemble {
            family: crate::EnsembleFamily::AdaBoost,
            members: self.0.n_trees,
        })
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "n_estimators": self.0.n_trees,
            "learning_rate": 1.0,
            "loss": "linear",
            "max_depth": MAX_DEPTH,
        })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(&self.0.name, x, y)?;
        let data = Presorted::new(x);
        let rows = to_f32_rows(x);
        let n_features = x.ncols();
        let n = data.n_rows();
        let y = y.to_vec();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut weights = vec![1.0 / n as f64; n];
        let mut counts = vec![0.0; n];
        let mut cdf = vec![0.0; n];
        let mut trees = Vec::new();
        let mut tree_weights = Vec::new();
        for round in 0..self.0.n_trees {
            weighted_bootstrap(&weights, &mut cdf, &mut counts, &mut rng);
            let tree = Tree::fit(&data, &y, Some(&counts), Some(MAX_DEPTH), &mut rng);
            let errors: Vec<f64> = rows
                .chunks_exact(n_features)
                .zip(&y)
                .map(|(row, t)| (tree.predict_row(row) - t).abs())
                .collect();
            // Linear loss: errors scaled to [0, 1] by the largest error on a
            // row that still has weight.
            let max_error = errors
                .iter()
                .zip(&weights)
                .filter(|(_, &w)| w > 0.0)
                .map(|(&e, _)| e)
                .fold(0.0, f64::max);
            let loss = |e: f64| if max_error == 0.0 { e } else { e / max_error };
            let avg_loss: f64 = errors
                .iter()
                .zip(&weights)
                .filter(|(_, &w)| w > 0.0)
                .map(|(&e, &w)| w * loss(e))
                .sum();
            if avg_loss <= 0.0 {
                // A perfect tree: keep it with weight 1 and stop.
                trees.push(tree);
                tree_weights.push(1.0);
                break;
            }
            if avg_loss >= 0.5 {
                // Worse than chance: drop it, unless it is the only tree,
                // which scikit-learn then keeps with weight 0.
                if trees.is_empty() {
                    trees.push(tree);
                    tree_weights.push(0.0);
                }
                break;
            }
            let beta = avg_loss / (1.0 - avg_loss);
            trees.push(tree);
            tree_weights.push((1.0 / beta).ln());
            if round + 1 == self.0.n_trees {
                break;
            }
            for (w, &e) in weights.iter_mut().zip(&errors) {
                if *w > 0.0 {
                    *w *= beta.powf(1.0 - loss(e));
                }
            }
            let total: f64 = weights.iter().sum();
            if !total.is_finite() || total <= 0.0 {
                break;
            }
            weights.iter_mut().for_each(|w| *w /= total);
        }
        Ok(Box::new(BoostedMedian {
            trees: FittedTrees { n_features, trees },
            tree_weights,
        }))
    }
}

/// Draws `counts.len()` rows with replacement, each with probability
/// proportional to its weight, as per-row counts.
fn weighted_bootstrap(weights: &[f64], cdf: &mut [f64], counts: &mut [f64], rng: &mut ChaCha8Rng) {
    let mut acc = 0.0;
    for (c, w) in cdf.iter_mut().zip(weights) {
        acc += w;
        *c = acc;
    }
    counts.iter_mut().for_each(|c| *c = 0.0);
    let last = counts.len() - 1;
    for _ in 0..counts.len() {
        let u = rng.gen::<f64>() * acc;
        // First row whose cumulative weight exceeds u; rows of weight 0
        // can never be drawn.
        let row = cdf.partition_point(|&c| c <= u).min(last);
        counts[row] += 1.0;
    }
}

/// A fitted [`AdaBoost`] model.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoostedMedian {
    trees: FittedTrees,
    tree_weights: Vec<f64>,
}

impl BoostedMedian {
    /// Checks a loaded model: one finite weight per tree.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if self.tree_weights.len() != self.trees.trees.len() {
            return Err(corrupt(format!(
                "{} tree weights for {} trees",
                self.tree_weights.len(),
                self.trees.trees.len()
            )));
        }
        check_finite("AdaBoost tree weights", &self.tree_weights)?;
        self.trees.check(n_features)
    }

    /// The weighted median of the first `members` trees (all of them when
    /// boosting stopped earlier, as it would have for the smaller model).
    fn predict_members(&self, x: ArrayView2<'_, f64>, members: usize) -> Result<Vec<f64>> {
        let mut votes: Vec<(f64, f64)> = Vec::with_capacity(self.tree_weights.len());
        self.trees.predict_first(x, members, |trees, row| {
            votes.clear();
            votes.extend(
                trees
                    .iter()
                    .zip(&self.tree_weights)
                    .map(|(t, &w)| (t.predict_row(row), w)),
            );
            weighted_median(&mut votes)
        })
    }
}

impl FittedRegressor for BoostedMedian {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::AdaBoost(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.predict_members(x, usize::MAX)
    }

    fn predict_first(&self, x: ArrayView2<'_, f64>, members: usize) -> Option<Result<Vec<f64>>> {
        Some(self.predict_members(x, members))
    }
}

/// The smallest prediction whose cumulative weight, in increasing order of
/// predictions, reaches half the total weight.
fn weighted_median(votes: &mut [(f64, f64)]) -> f64 {
    votes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = 0.5 * votes.iter().map(|v| v.1).sum::<f64>();
    let mut acc = 0.0;
    for &(value, weight) in votes.iter() {
        acc += weight;
        if acc >= half {
            return value;
        }
    }
    votes[votes.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn weighted_median_picks_the_half_weight_point() {
        let mut v = vec![(3.0, 0.2), (1.0, 0.3), (2.0, 0.4)];
        // Sorted: 1 (0.3), 2 (0.7 ≥ 0.45) → 2.
        assert_abs_diff_eq!(weighted_median(&mut v), 2.0);
        let mut v = vec![(3.0, 0.1), (1.0, 0.8), (2.0, 0.1)];
        assert_abs_diff_eq!(weighted_median(&mut v), 1.0);
    }

    #[test]
    fn bootstrap_skips_rows_without_weight() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let (mut cdf, mut counts) = (vec![0.0; 4], vec![0.0; 4]);
        weighted_bootstrap(&[0.5, 0.0, 0.5, 0.0], &mut cdf, &mut counts, &mut rng);
        assert_eq!(counts[1] + counts[3], 0.0);
        assert_abs_diff_eq!(counts.iter().sum::<f64>(), 4.0);
    }

    #[test]
    fn perfect_first_tree_stops_boosting() {
        // Two flat halves: a bootstrap of 40 rows holds both halves, so the
        // first tree is exact, boosting stops, and predictions are exact
        // (binary fractions, so leaf means carry no rounding error).
        let x = ndarray::Array2::from_shape_fn((40, 1), |(i, _)| i as f64);
        let y = ndarray::Array1::from_shape_fn(40, |i| if i < 20 { 0.25 } else { 0.75 });
        let model = AdaBoost::new(50).fit(x.view(), y.view(), 0).unwrap();
        assert_eq!(model.predict(x.view()).unwrap(), y.to_vec());
    }

    #[test]
    fn same_seed_same_predictions() {
        let x = ndarray::Array2::from_shape_fn((40, 3), |(i, j)| ((i * (j + 5)) % 13) as f64);
        let y = ndarray::Array1::from_shape_fn(40, |i| ((i * 31) % 19) as f64 / 19.0);
        let fit = |seed| {
            AdaBoost::new(25)
                .fit(x.view(), y.view(), seed)
                .unwrap()
                .predict(x.view())
                .unwrap()
        };
        assert_eq!(fit(2), fit(2));
    }
}
