//! The one trait every accuracy predictor implements.
//!
//! Split as in linfa: a params value (`Regressor`) is fitted on data and
//! returns a new fitted model; fitting never mutates the params, so one
//! params value serves many seeds and folds in parallel.

use ndarray::{ArrayView1, ArrayView2};

/// Hyperparameters of a model, ready to be fitted.
pub trait Regressor: Send + Sync {
    /// Display name used in every output, e.g. `Gradient Boosting (N=25)`.
    fn name(&self) -> &str;

    /// The hyper-parameters, as a predictor file records them (e.g.
    /// `{"k": 5, ...}`); `null` for a model that does not say.
    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::Value::Null
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

/// A fitted model.
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

/// A boxed model is a model, so registries of `Box<dyn Regressor>` can be
/// passed wherever one model is expected.
impl<R: Regressor + ?Sized> Regressor for Box<R> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        (**self).hyper_parameters()
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
