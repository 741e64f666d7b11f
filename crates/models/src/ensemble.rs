//! What the three tree ensembles (gradient boosting, AdaBoost, random
//! forest) share: a tree count with its display name, and fitted trees that
//! predict through their first members, so that a smaller ensemble can be
//! read off a larger one (see [`crate::FittedRegressor::predict_first`]).

use ndarray::ArrayView2;

use crate::input::check_predict;
use crate::saved::corrupt;
use crate::tree::{to_f32_rows, Tree};
use crate::Result;

/// How many trees an ensemble fits, and its name `"{family} (N={n})"`.
#[derive(Debug, Clone)]
pub(crate) struct EnsembleSize {
    pub(crate) n_trees: usize,
    pub(crate) name: String,
}

impl EnsembleSize {
    pub(crate) fn new(family: &str, n_trees: usize) -> Self {
        Self {
            n_trees,
            name: format!("{family} (N={n_trees})"),
        }
    }
}

/// Fitted trees, in the order they were fitted.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FittedTrees {
    pub(crate) n_features: usize,
    pub(crate) trees: Vec<Tree>,
}

impl FittedTrees {
    /// Checks loaded trees: at least one, each valid for `n_features`.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if self.n_features != n_features || self.trees.is_empty() {
            return Err(corrupt(format!(
                "{} trees fitted on {} features, file lists {n_features}",
                self.trees.len(),
                self.n_features
            )));
        }
        self.trees.iter().try_for_each(|t| t.check(n_features))
    }

    /// One value per row of `x`: `combine` of the first `members` trees
    /// (all of them if there are fewer, as when boosting stopped early) and
    /// the row as `f32`.
    pub(crate) fn predict_first(
        &self,
        x: ArrayView2<'_, f64>,
        members: usize,
        mut combine: impl FnMut(&[Tree], &[f32]) -> f64,
    ) -> Result<Vec<f64>> {
        check_predict(self.n_features, x)?;
        let trees = &self.trees[..members.min(self.trees.len())];
        Ok(to_f32_rows(x)
            .chunks_exact(self.n_features)
            .map(|row| combine(trees, row))
            .collect())
    }
}
