//! The regressors of the NAAP-440 baseline (24 models) and of the extended
//! study, and a registry that says which of them can extrapolate.
//!
//! Every model mirrors the scikit-learn estimator named in its module doc,
//! so that results can be compared cell by cell with the paper's tables.

mod input;
mod knn;
mod linear;

pub use knn::{Knn, KnnRegressor};
pub use linear::{
    LinearModel, LinearRegression, TargetTransform, TransformedLinear, TransformedTarget,
};

use crate::Regressor;

/// The kind of a model, for grouping results and choosing what may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelFamily {
    /// k-nearest-neighbour regression.
    NearestNeighbors,
    /// Least squares, possibly on a transformed target.
    Linear,
    /// One regression tree.
    DecisionTree,
    /// Gradient-boosted trees.
    GradientBoosting,
    /// AdaBoost.R2 over trees.
    AdaBoost,
    /// ε-support-vector regression.
    Svr,
    /// Random forest.
    RandomForest,
}

/// A model of the registry with its family and whether it extrapolates.
pub struct ModelSpec {
    family: ModelFamily,
    extrapolates: bool,
    regressor: Box<dyn Regressor>,
}

impl ModelSpec {
    fn new(family: ModelFamily, extrapolates: bool, regressor: impl Regressor + 'static) -> Self {
        Self {
            family,
            extrapolates,
            regressor: Box::new(regressor),
        }
    }

    /// The display name, as in every output.
    pub fn name(&self) -> &str {
        self.regressor.name()
    }

    /// The model's family.
    pub fn family(&self) -> ModelFamily {
        self.family
    }

    /// Whether predictions can leave the range of the training targets
    /// (linear models and the linear and polynomial SVRs); only these run
    /// in extrapolation modes.
    pub fn extrapolates(&self) -> bool {
        self.extrapolates
    }

    /// The model itself.
    pub fn regressor(&self) -> &dyn Regressor {
        self.regressor.as_ref()
    }

    /// The model, taken out of the spec.
    pub fn into_regressor(self) -> Box<dyn Regressor> {
        self.regressor
    }
}

impl std::fmt::Debug for ModelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSpec")
            .field("name", &self.name())
            .field("family", &self.family)
            .field("extrapolates", &self.extrapolates)
            .finish()
    }
}

/// The 24 baseline models in the order of the issue text.
pub fn baseline_specs() -> Vec<ModelSpec> {
    use ModelFamily as F;
    let mut specs: Vec<ModelSpec> = [1, 3, 5, 7, 9]
        .into_iter()
        .map(|k| ModelSpec::new(F::NearestNeighbors, false, KnnRegressor::new(k)))
        .collect();
    specs.push(ModelSpec::new(F::Linear, true, LinearRegression));
    for d in [0.5, 0.25] {
        specs.push(ModelSpec::new(
            F::Linear,
            true,
            TransformedTarget::new(TargetTransform::Power { d }),
        ));
    }
    specs
}

/// The baseline models plus the issue-5 target transforms: `D=2`,
/// exponential, logarithmic and sigmoid regression.
pub fn extended_specs() -> Vec<ModelSpec> {
    let mut specs = baseline_specs();
    for t in [
        TargetTransform::Power { d: 2.0 },
        TargetTransform::Exp,
        TargetTransform::Log,
        TargetTransform::Sigmoid,
    ] {
        specs.push(ModelSpec::new(
            ModelFamily::Linear,
            true,
            TransformedTarget::new(t),
        ));
    }
    specs
}

/// The 24 baseline models, in the order of the issue text.
pub fn baseline_models() -> Vec<Box<dyn Regressor>> {
    baseline_specs()
        .into_iter()
        .map(ModelSpec::into_regressor)
        .collect()
}

/// The baseline models followed by the extended ones.
pub fn extended_models() -> Vec<Box<dyn Regressor>> {
    extended_specs()
        .into_iter()
        .map(ModelSpec::into_regressor)
        .collect()
}

/// Names of the models that run in extrapolation modes.
pub fn extrapolating_model_names() -> Vec<String> {
    extended_specs()
        .iter()
        .filter(|s| s.extrapolates())
        .map(|s| s.name().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique() {
        let names: Vec<String> = extended_specs()
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }

    #[test]
    fn extended_starts_with_the_baseline() {
        let base: Vec<String> = baseline_models()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let ext: Vec<String> = extended_models()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        assert_eq!(&ext[..base.len()], &base[..]);
    }

    #[test]
    fn fitted_models_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Knn>();
        assert_send_sync::<LinearModel>();
        assert_send_sync::<TransformedLinear>();
        assert_send_sync::<Box<dyn crate::FittedRegressor>>();
    }
}
