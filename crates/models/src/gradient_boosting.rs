//! Least-squares gradient boosting (Friedman 2001,
//! <https://doi.org/10.1214/aos/1013203451>) as scikit-learn's
//! `GradientBoostingRegressor(n_estimators=N, learning_rate=0.1,
//! max_depth=3)`: start from the mean, then fit each depth-3 tree to the
//! current residuals and add a tenth of it.

use ndarray::{ArrayView1, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::ensemble::{EnsembleSize, FittedTrees};
use crate::growth::{fit_members, Grower, Growth, Member};
use crate::input::check_fit;
use crate::saved::{check_finite, FittedModel};
use crate::tree::{to_f32_rows, Presorted, Tree};
use crate::{FittedRegressor, Regressor, Result};

/// Depth of every boosted tree.
const MAX_DEPTH: usize = 3;
/// Shrinkage applied to every tree.
const LEARNING_RATE: f64 = 0.1;

/// Gradient boosting with `n_trees` trees: `Gradient Boosting (N=…)`.
#[derive(Debug, Clone)]
pub struct GradientBoosting(EnsembleSize);

impl GradientBoosting {
    /// Boosting with `n_trees` depth-3 trees and learning rate 0.1.
    pub fn new(n_trees: usize) -> Self {
        Self(EnsembleSize::new("Gradient Boosting", n_trees))
    }
}

impl Regressor for GradientBoosting {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn ensemble(&self) -> Option<crate::Ensemble> {
        Some(crate::Ensemble {
            family: crate::EnsembleFamily::GradientBoosting,
            members: self.0.n_trees,
        })
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "n_estimators": self.0.n_trees,
            "learning_rate": LEARNING_RATE,
            "max_depth": MAX_DEPTH,
            "loss": "squared_error",
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
        let mut boosting = Boosting::new(seed);
        let trees = fit_members(&mut boosting, &data, &rows, y, self.0.n_trees);
        Ok(Box::new(BoostedTrees {
            init: boosting.init,
            trees: FittedTrees {
                n_features: x.ncols(),
                trees,
            },
        }))
    }

    fn growth(&self, seed: u64, sizes: &[usize]) -> Option<Box<dyn Growth>> {
        Some(Box::new(Grower::new(
            &self.0.name,
            Boosting::new(seed),
            sizes,
        )))
    }
}

/// Boosting one tree at a time: each tree is fitted to the residuals of
/// the trees before it.
struct Boosting {
    rng: ChaCha8Rng,
    init: f64,
    /// The model's predictions on the training rows so far.
    current: Vec<f64>,
    residual: Vec<f64>,
}

impl Boosting {
    fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            init: 0.0,
            current: Vec::new(),
            residual: Vec::new(),
        }
    }
}

impl Member for Boosting {
    fn start(&mut self, y: ArrayView1<'_, f64>) {
        self.init = y.mean().unwrap_or(0.0);
        self.current = vec![self.init; y.len()];
    }

    fn next(&mut self, data: &Presorted, rows: &[f32], y: &[f64]) -> Tree {
        self.residual.resize(y.len(), 0.0);
        self.residual
            .iter_mut()
            .zip(y.iter().zip(&self.current))
            .for_each(|(r, (t, c))| *r = t - c);
        let tree = Tree::fit(data, &self.residual, None, Some(MAX_DEPTH), &mut self.rng);
        let n_features = rows.len() / self.current.len().max(1);
        for (c, row) in self.current.iter_mut().zip(rows.chunks_exact(n_features)) {
            *c += LEARNING_RATE * tree.predict_row(row);
        }
        tree
    }

    fn predict(&self, sum: f64, _members: usize) -> f64 {
        self.init + LEARNING_RATE * sum
    }

    fn pause(&mut self) {
        self.residual = Vec::new();
    }
}

/// A fitted [`GradientBoosting`] model.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoostedTrees {
    init: f64,
    trees: FittedTrees,
}

impl BoostedTrees {
    /// Checks a loaded model.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        check_finite("boosting start value", [&self.init])?;
        self.trees.check(n_features)
    }

    /// The initial mean plus the shrunk sum of the first `members` trees.
    fn predict_members(&self, x: ArrayView2<'_, f64>, members: usize) -> Result<Vec<f64>> {
        self.trees.predict_first(x, members, |trees, row| {
            self.init + LEARNING_RATE * trees.iter().map(|t| t.predict_row(row)).sum::<f64>()
        })
    }
}

impl FittedRegressor for BoostedTrees {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::GradientBoosting(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.predict_members(x, usize::MAX)
    }

    fn predict_first(&self, x: ArrayView2<'_, f64>, members: usize) -> Option<Result<Vec<f64>>> {
        Some(self.predict_members(x, members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn one_stump_moves_a_tenth_of_the_way() {
        // Mean 0.5; the first tree fits residuals ±0.5 exactly, so each
        // prediction moves 0.1 × 0.5 towards its target.
        let x = array![[0.0], [1.0]];
        let model = GradientBoosting::new(1)
            .fit(x.view(), array![0.0, 1.0].view(), 0)
            .unwrap();
        let p = model.predict(x.view()).unwrap();
        assert_abs_diff_eq!(p[0], 0.45, epsilon = 1e-12);
        assert_abs_diff_eq!(p[1], 0.55, epsilon = 1e-12);
    }

    #[test]
    fn residuals_shrink_geometrically() {
        // With a perfect fit each round, the residual shrinks by 0.9 per tree.
        let x = array![[0.0], [1.0]];
        let model = GradientBoosting::new(25)
            .fit(x.view(), array![0.0, 1.0].view(), 0)
            .unwrap();
        let p = model.predict(x.view()).unwrap();
        assert_abs_diff_eq!(p[1], 1.0 - 0.5 * 0.9f64.powi(25), epsilon = 1e-12);
    }

    #[test]
    fn same_seed_same_predictions() {
        let x = ndarray::Array2::from_shape_fn((40, 3), |(i, j)| ((i * (j + 5)) % 13) as f64);
        let y = ndarray::Array1::from_shape_fn(40, |i| ((i * 31) % 19) as f64 / 19.0);
        let a = GradientBoosting::new(25)
            .fit(x.view(), y.view(), 9)
            .unwrap()
            .predict(x.view())
            .unwrap();
        let b = GradientBoosting::new(25)
            .fit(x.view(), y.view(), 9)
            .unwrap()
            .predict(x.view())
            .unwrap();
        assert_eq!(a, b);
    }
}
