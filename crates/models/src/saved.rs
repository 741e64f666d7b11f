//! The serialisable form of every fitted model of the registry.
//!
//! A model is saved as one variant of [`FittedModel`], whose fields are the
//! fitted parameters themselves (coefficients, trees, support vectors,
//! reference rows), written by serde. To make a new model saveable:
//! 1. derive `serde::Serialize, serde::Deserialize` on its fitted type
//!    (with `#[serde(deny_unknown_fields)]`), and give it a
//!    `pub(crate) fn check(&self, n_features: usize) -> Result<()>` that
//!    rejects what its `predict` could not use (wrong shapes, non-finite
//!    values, out-of-range indices);
//! 2. add a variant here and its arm in the three `match`es below;
//! 3. implement [`FittedRegressor::to_model`] as
//!    `Some(FittedModel::Variant(self.clone()))`.
//!
//! `registry::tests::every_registry_regressor_saves_and_loads_bit_exactly`
//! (and the predictor-file test of `naap-predict`) fails for a registry
//! regressor that skips a step. Variant names are part of
//! the predictor file format: never rename one.

use ndarray::ArrayView2;

use crate::{BoostedMedian, BoostedTrees, FittedTree, Forest, Knn, LinearModel};
use crate::{Error, FittedMean, FittedRegressor, Result};
use crate::{
    FittedLcSvr, FittedPairwiseBoosting, FittedRankSvm, SupportVectors, TransformedLinear,
};

/// A fitted model of the registry, as saved in a predictor file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FittedModel {
    /// k-nearest neighbours: the reference rows and their targets.
    Knn(Knn),
    /// Least squares: weights and intercept.
    Linear(LinearModel),
    /// Least squares on a transformed target.
    TransformedLinear(TransformedLinear),
    /// One regression tree.
    DecisionTree(FittedTree),
    /// Gradient boosting: start value and trees.
    GradientBoosting(BoostedTrees),
    /// AdaBoost.R2: trees and their weights.
    AdaBoost(BoostedMedian),
    /// ε-SVR: kernel, support vectors, coefficients, bias.
    Svr(SupportVectors),
    /// Random forest: its trees.
    RandomForest(Forest),
    /// LcSVR: its random search's draws, the chosen one and its ν-SVR.
    LcSvr(FittedLcSvr),
    /// Pairwise boosting: its trees and their calibration to accuracy.
    PairwiseBoosting(FittedPairwiseBoosting),
    /// RankSVM: the linear score's weights and its calibration.
    RankSvm(FittedRankSvm),
    /// The mean of several fitted models.
    Mean(FittedMean),
}

impl FittedModel {
    /// Checks a model read from a file against the number of features it
    /// will be given, so that a damaged file is an error, never a panic or
    /// a silent wrong prediction.
    pub fn check(&self, n_features: usize) -> Result<()> {
        match self {
            FittedModel::Knn(m) => m.check(n_features),
            FittedModel::Linear(m) => m.check(n_features),
            FittedModel::TransformedLinear(m) => m.check(n_features),
            FittedModel::DecisionTree(m) => m.check(n_features),
            FittedModel::GradientBoosting(m) => m.check(n_features),
            FittedModel::AdaBoost(m) => m.check(n_features),
            FittedModel::Svr(m) => m.check(n_features),
            FittedModel::RandomForest(m) => m.check(n_features),
            FittedModel::LcSvr(m) => m.check(n_features),
            FittedModel::PairwiseBoosting(m) => m.check(n_features),
            FittedModel::RankSvm(m) => m.check(n_features),
            FittedModel::Mean(m) => m.check(n_features),
        }
    }

    fn inner(&self) -> &dyn FittedRegressor {
        match self {
            FittedModel::Knn(m) => m,
            FittedModel::Linear(m) => m,
            FittedModel::TransformedLinear(m) => m,
            FittedModel::DecisionTree(m) => m,
            FittedModel::GradientBoosting(m) => m,
            FittedModel::AdaBoost(m) => m,
            FittedModel::Svr(m) => m,
            FittedModel::RandomForest(m) => m,
            FittedModel::LcSvr(m) => m,
            FittedModel::PairwiseBoosting(m) => m,
            FittedModel::RankSvm(m) => m,
            FittedModel::Mean(m) => m,
        }
    }
}

/// Predicts exactly as the model it holds.
impl FittedRegressor for FittedModel {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.inner().predict(x)
    }

    fn predict_first(&self, x: ArrayView2<'_, f64>, members: usize) -> Option<Result<Vec<f64>>> {
        self.inner().predict_first(x, members)
    }

    fn to_model(&self) -> Option<FittedModel> {
        Some(self.clone())
    }
}

/// An error for a saved model whose content cannot be right.
pub(crate) fn corrupt(message: String) -> Error {
    Error::InvalidInput(format!("fitted model: {message}"))
}

/// Fails if any value is NaN or infinite.
pub(crate) fn check_finite<'a>(
    what: &str,
    values: impl IntoIterator<Item = &'a f64>,
) -> Result<()> {
    match values.into_iter().position(|v| !v.is_finite()) {
        Some(i) => Err(corrupt(format!("{what}: value {i} is not finite"))),
        None => Ok(()),
    }
}
