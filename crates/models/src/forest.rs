//! Random forest regression (Breiman 2001,
//! <https://doi.org/10.1023/A:1010933404324>) as scikit-learn's
//! `RandomForestRegressor(n_estimators=N)`: each tree is grown to purity on
//! a bootstrap sample, considering every feature at every split, and the
//! forest predicts the mean of its trees.

use ndarray::{ArrayView1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ensemble::{EnsembleSize, FittedTrees};
use crate::growth::{fit_members, Grower, Growth, Member};
use crate::input::check_fit;
use crate::saved::FittedModel;
use crate::tree::{Presorted, Tree};
use crate::{FittedRegressor, Regressor, Result};

/// A random forest of `n_trees` trees: `Random Forest (N=…)`.
#[derive(Debug, Clone)]
pub struct RandomForest(EnsembleSize);

impl RandomForest {
    /// A forest of `n_trees` bootstrapped, fully grown trees.
    pub fn new(n_trees: usize) -> Self {
        Self(EnsembleSize::new("Random Forest", n_trees))
    }
}

impl Regressor for RandomForest {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn ensemble(&self) -> Option<crate::Ensemble> {
        Some(crate::Ensemble {
            family: crate::EnsembleFamily::RandomForest,
            members: self.0.n_trees,
        })
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({ "n_estimators": self.0.n_trees, "bootstrap": true, "max_features": 1.0 })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(&self.0.name, x, y)?;
        let data = Presorted::new(x);
        let trees = fit_members(&mut Bagging::new(seed), &data, &[], y, self.0.n_trees);
        Ok(Box::new(Forest(FittedTrees {
            n_features: x.ncols(),
            trees,
        })))
    }

    fn growth(&self, seed: u64, sizes: &[usize]) -> Option<Box<dyn Growth>> {
        Some(Box::new(Grower::new(
            &self.0.name,
            Bagging::new(seed),
            sizes,
        )))
    }
}

/// Bagged trees, one at a time: each tree is grown to purity on its own
/// bootstrap sample, all drawn from one random stream.
struct Bagging {
    rng: ChaCha8Rng,
    counts: Vec<f64>,
}

impl Bagging {
    fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            counts: Vec::new(),
        }
    }
}

impl Member for Bagging {
    fn start(&mut self, _y: ArrayView1<'_, f64>) {}

    fn next(&mut self, data: &Presorted, _rows: &[f32], y: &[f64]) -> Tree {
        // A bootstrap sample as per-row counts: weighting a row by its
        // count is the same as repeating it.
        let n = data.n_rows();
        self.counts.resize(n, 0.0);
        self.counts.iter_mut().for_each(|c| *c = 0.0);
        for _ in 0..n {
            self.counts[self.rng.gen_range(0..n)] += 1.0;
        }
        Tree::fit(data, y, Some(&self.counts), None, &mut self.rng)
    }

    fn predict(&self, sum: f64, members: usize) -> f64 {
        sum / members as f64
    }

    fn pause(&mut self) {
        self.counts = Vec::new();
    }
}

/// A fitted [`RandomForest`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Forest(FittedTrees);

impl Forest {
    /// Checks a loaded model.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        self.0.check(n_features)
    }

    /// The mean of the first `members` trees.
    fn predict_members(&self, x: ArrayView2<'_, f64>, members: usize) -> Result<Vec<f64>> {
        self.0.predict_first(x, members, |trees, row| {
            trees.iter().map(|t| t.predict_row(row)).sum::<f64>() / trees.len() as f64
        })
    }
}

impl FittedRegressor for Forest {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::RandomForest(self.clone()))
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
    use ndarray::array;

    #[test]
    fn predictions_stay_within_the_target_range() {
        let x = ndarray::Array2::from_shape_fn((30, 2), |(i, j)| ((i * (j + 2)) % 7) as f64);
        let y = ndarray::Array1::from_shape_fn(30, |i| 0.2 + 0.6 * ((i * 13) % 10) as f64 / 10.0);
        let model = RandomForest::new(25).fit(x.view(), y.view(), 1).unwrap();
        let p = model
            .predict(array![[-100.0, 100.0], [3.0, 3.0]].view())
            .unwrap();
        assert!(p.iter().all(|&v| (0.2..=0.8).contains(&v)), "{p:?}");
    }

    #[test]
    fn seeds_change_the_forest_and_repeat_exactly() {
        let x = ndarray::Array2::from_shape_fn((30, 2), |(i, j)| {
            ((i * (j + 2)) % 7) as f64 + i as f64 * 0.01
        });
        let y = ndarray::Array1::from_shape_fn(30, |i| ((i * 13) % 10) as f64 / 10.0);
        let fit = |seed| {
            RandomForest::new(25)
                .fit(x.view(), y.view(), seed)
                .unwrap()
                .predict(x.view())
                .unwrap()
        };
        assert_eq!(fit(4), fit(4));
        assert_ne!(fit(4), fit(5));
    }
}
