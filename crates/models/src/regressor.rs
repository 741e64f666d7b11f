//! The one trait every accuracy predictor implements.
//!
//! Split as in linfa: a params value (`Regressor`) is fitted on data and
//! returns a new fitted model; fitting never mutates the params, so one
//! params value serves many seeds and folds in parallel.

use ndarray::{ArrayView1, ArrayView2};

/// Hyperparameters of a regressor, ready to be fitted.
pub trait Regressor: Send + Sync {
    /// Display name used in every output, e.g. `Gradient Boosting (N=25)`.
    fn name(&self) -> &str;

    /// Whether the seed changes the fit (trees and their ensembles, LcSVR's
    /// search); for the others every seed gives the same predictions, so a
    /// protocol may fit them once and reuse the result. `true` unless a
    /// regressor says otherwise, which is always safe.
    fn uses_seed(&self) -> bool {
        true
    }

    /// Whether predictions can leave the range of the training targets
    /// (linear models and the linear and polynomial SVRs); only these run
    /// in extrapolation modes. `false` unless a regressor says otherwise.
    fn extrapolates(&self) -> bool {
        false
    }

    /// The family and size of an ensemble whose smaller siblings of the
    /// same family are prefixes of it ([`FittedRegressor::predict_first`]),
    /// so that a protocol fits the largest once and reads the others off it;
    /// `None` for a regressor that is not such an ensemble.
    fn ensemble(&self) -> Option<Ensemble> {
        None
    }

    /// A [`crate::Growth`] of this ensemble that records its query
    /// predictions at `sizes` members, for a caller that needs several sizes
    /// of one family on one training set; `None` for a regressor that is not
    /// grown member by member. Any member of a family gives the same growth
    /// for a seed: its own size does not limit it.
    fn growth(&self, seed: u64, sizes: &[usize]) -> Option<Box<dyn crate::Growth>> {
        let _ = (seed, sizes);
        None
    }

    /// The hyper-parameters, as a predictor file records them (e.g.
    /// `{"k": 5, ...}`); `null` for a model that does not say.
    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::Value::Null
    }

    /// The fewest training rows [`Regressor::fit`] accepts (k for k-NN,
    /// LcSVR's cross-validation folds twice), so that a caller growing its
    /// training set (an online search) knows when the model can first be
    /// fitted. 1 unless a regressor says otherwise.
    fn min_rows(&self) -> usize {
        1
    }

    /// Fits on rows `x` (samples × features) and targets `y`; `seed` drives
    /// every random choice, so the same seed gives the same model.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> crate::Result<Box<dyn FittedRegressor>>;
}

/// An ensemble's family and size (see [`Regressor::ensemble`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ensemble {
    /// Which ensembles share fits: those of one family.
    pub family: EnsembleFamily,
    /// The number of members.
    pub members: usize,
}

/// The families of ensembles whose members are fitted in sequence from one
/// random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnsembleFamily {
    /// Gradient-boosted trees.
    GradientBoosting,
    /// AdaBoost.R2 over trees.
    AdaBoost,
    /// Random forest.
    RandomForest,
}

/// A fitted regressor.
pub trait FittedRegressor: Send + Sync {
    /// Predicts one value per row of `x`.
    fn predict(&self, x: ArrayView2<'_, f64>) -> crate::Result<Vec<f64>>;

    /// Predicts with the ensemble made of this fit's first `members`
    /// members, or `None` for a model that is not an ensemble.
    ///
    /// The ensembles of this crate fit their members in sequence from one
    /// random stream, so the first `members` members are exactly the
    /// ensemble the same model would fit with `members` members and the
    /// same seed: a protocol that needs N = 25, 50, 100 and 200 fits the
    /// 200 once and reads the others off it.
    fn predict_first(
        &self,
        x: ArrayView2<'_, f64>,
        members: usize,
    ) -> Option<crate::Result<Vec<f64>>> {
        let _ = (x, members);
        None
    }

    /// This fit in the saveable form every registry model has (see
    /// [`crate::FittedModel`]), or `None` for a model from outside
    /// the registry, which then cannot be saved.
    fn to_model(&self) -> Option<crate::FittedModel> {
        None
    }
}

/// A boxed regressor is a regressor, so lists of `Box<dyn Regressor>` can be
/// passed wherever one regressor is expected.
impl<R: Regressor + ?Sized> Regressor for Box<R> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        (**self).hyper_parameters()
    }

    fn uses_seed(&self) -> bool {
        (**self).uses_seed()
    }

    fn extrapolates(&self) -> bool {
        (**self).extrapolates()
    }

    fn ensemble(&self) -> Option<Ensemble> {
        (**self).ensemble()
    }

    fn growth(&self, seed: u64, sizes: &[usize]) -> Option<Box<dyn crate::Growth>> {
        (**self).growth(seed, sizes)
    }

    fn min_rows(&self) -> usize {
        (**self).min_rows()
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> crate::Result<Box<dyn FittedRegressor>> {
        (**self).fit(x, y, seed)
    }
}
