//! The registry: the regressors of the NAAP-440 baseline (24 models) and of
//! the extended study, and which of them can extrapolate.

use crate::{
    AdaBoost, DecisionTree, GradientBoosting, Kernel, KnnRegressor, LcSvr, LinearRegression, NuSvr,
    RandomForest, Regressor, Svr, TargetTransform, TransformedTarget,
};

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
    /// A model from outside this registry (see [`ModelSpec::custom`]).
    Custom,
}

/// A model of the registry with its family and whether it extrapolates.
pub struct ModelSpec {
    family: ModelFamily,
    extrapolates: bool,
    uses_seed: bool,
    ensemble_size: Option<usize>,
    regressor: Box<dyn Regressor>,
}

impl ModelSpec {
    fn new(family: ModelFamily, extrapolates: bool, regressor: impl Regressor + 'static) -> Self {
        let uses_seed = matches!(
            family,
            ModelFamily::DecisionTree
                | ModelFamily::GradientBoosting
                | ModelFamily::AdaBoost
                | ModelFamily::RandomForest
        );
        Self {
            family,
            extrapolates,
            uses_seed,
            ensemble_size: None,
            regressor: Box::new(regressor),
        }
    }

    /// An ensemble of `size` members whose smaller siblings of the same
    /// family are prefixes of it (see [`crate::FittedRegressor::predict_first`]).
    fn ensemble(family: ModelFamily, size: usize, regressor: impl Regressor + 'static) -> Self {
        Self {
            ensemble_size: Some(size),
            ..Self::new(family, false, regressor)
        }
    }

    /// Wraps a model from outside the registry, e.g. a user's own
    /// [`Regressor`], so the baseline and search runners can run it.
    /// `uses_seed` says whether its fit depends on the seed (if not, it is
    /// fitted once per feature set); `extrapolates` whether it may run in
    /// extrapolation modes.
    pub fn custom(
        regressor: impl Regressor + 'static,
        uses_seed: bool,
        extrapolates: bool,
    ) -> Self {
        Self {
            uses_seed,
            ..Self::new(ModelFamily::Custom, extrapolates, regressor)
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

    /// Whether the seed changes the fit (trees and their ensembles); for the
    /// other models every seed gives the same predictions, so a protocol
    /// may fit them once and reuse the result.
    pub fn uses_seed(&self) -> bool {
        self.uses_seed
    }

    /// The number of members of an ensemble (boosting, forest). Two specs
    /// of the same family with a size share their fits: the smaller one's
    /// predictions are [`crate::FittedRegressor::predict_first`] of the
    /// larger one's fit, exactly.
    pub fn ensemble_size(&self) -> Option<usize> {
        self.ensemble_size
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

/// Tree counts of the boosting and forest models.
const ENSEMBLE_SIZES: [usize; 4] = [25, 50, 100, 200];

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
    specs.push(ModelSpec::new(F::DecisionTree, false, DecisionTree));
    for n in ENSEMBLE_SIZES {
        specs.push(ModelSpec::ensemble(
            F::GradientBoosting,
            n,
            GradientBoosting::new(n),
        ));
    }
    for n in ENSEMBLE_SIZES {
        specs.push(ModelSpec::ensemble(F::AdaBoost, n, AdaBoost::new(n)));
    }
    // A linear or cubic decision function keeps growing outside the data;
    // the RBF one decays to the bias.
    for (kernel, extrapolates) in [
        (Kernel::Rbf, false),
        (Kernel::Polynomial, true),
        (Kernel::Linear, true),
    ] {
        specs.push(ModelSpec::new(F::Svr, extrapolates, Svr::new(kernel)));
    }
    for n in ENSEMBLE_SIZES {
        specs.push(ModelSpec::ensemble(
            F::RandomForest,
            n,
            RandomForest::new(n),
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

/// The registry model with this display name (one of [`extended_specs`]).
pub fn spec_named(name: &str) -> crate::Result<ModelSpec> {
    let mut specs = all_specs();
    match specs.iter().position(|s| s.name() == name) {
        Some(i) => Ok(specs.swap_remove(i)),
        None => Err(crate::Error::InvalidInput(format!(
            "unknown model '{name}', expected one of: {}",
            specs
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Every model a name can select: the extended ones, then the learning-curve
/// study's `Nu-SVR (RBF kernel)` (scikit-learn's NuSVR defaults: C = 1,
/// ν = 0.5, γ = 'scale') and `LcSVR` (ν-SVR tuned by a seeded random
/// search, so it depends on the seed). Not in [`extended_specs`], so runs
/// that default to "all models" keep their cost.
pub fn all_specs() -> Vec<ModelSpec> {
    let mut specs = extended_specs();
    specs.push(ModelSpec::new(
        ModelFamily::Svr,
        false,
        NuSvr::new(1.0, 0.5, None).expect("valid defaults"),
    ));
    specs.push(ModelSpec {
        uses_seed: true,
        ..ModelSpec::new(ModelFamily::Svr, false, LcSvr)
    });
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
    use crate::{BoostedMedian, BoostedTrees, FittedTree, Forest, Knn, LinearModel};
    use crate::{SupportVectors, TransformedLinear};
    use std::collections::HashSet;

    #[test]
    fn baseline_has_the_24_models_of_the_issue_in_order() {
        let names: Vec<String> = baseline_models()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let mut expected: Vec<String> = [1, 3, 5, 7, 9].iter().map(|k| format!("{k}-NN")).collect();
        expected.extend(
            [
                "Linear Regression",
                "Linear Regression (D=0.5)",
                "Linear Regression (D=0.25)",
                "Decision Tree",
            ]
            .map(String::from),
        );
        for family in ["Gradient Boosting", "AdaBoost"] {
            expected.extend([25, 50, 100, 200].map(|n| format!("{family} (N={n})")));
        }
        expected.extend(
            [
                "SVR (RBF kernel)",
                "SVR (Polynomial kernel)",
                "SVR (Linear kernel)",
            ]
            .map(String::from),
        );
        expected.extend([25, 50, 100, 200].map(|n| format!("Random Forest (N={n})")));
        assert_eq!(names, expected);
    }

    #[test]
    fn only_linear_models_and_linear_or_polynomial_svrs_extrapolate() {
        let names = extrapolating_model_names();
        assert!(names.contains(&"SVR (Linear kernel)".to_owned()));
        assert!(names.contains(&"SVR (Polynomial kernel)".to_owned()));
        assert!(names.contains(&"Sigmoid Regression".to_owned()));
        assert!(!names.contains(&"SVR (RBF kernel)".to_owned()));
        assert_eq!(names.len(), 3 + 4 + 2);
    }

    #[test]
    fn every_model_repeats_per_seed_and_seedless_ones_ignore_it() {
        let x = ndarray::Array2::from_shape_fn((60, 3), |(i, j)| {
            (((i * (j + 7)) % 23) as f64 - 11.0) / 6.0
        });
        let y = ndarray::Array1::from_shape_fn(60, |i| 0.3 + 0.5 * (((i * 17) % 29) as f64 / 29.0));
        for spec in all_specs() {
            let model = spec.regressor();
            let fit = |seed| {
                model
                    .fit(x.view(), y.view(), seed)
                    .unwrap()
                    .predict(x.view())
                    .unwrap()
            };
            let first = fit(11);
            assert!(first.iter().all(|v| v.is_finite()), "{}", spec.name());
            assert_eq!(first, fit(11), "{} is not reproducible", spec.name());
            if !spec.uses_seed() {
                assert_eq!(first, fit(12), "{} depends on the seed", spec.name());
            }
        }
    }

    #[test]
    fn smaller_ensembles_are_exact_prefixes_of_the_largest() {
        let x = ndarray::Array2::from_shape_fn((80, 4), |(i, j)| {
            (((i * (j + 5)) % 31) as f64 - 15.0) / 7.0
        });
        let y = ndarray::Array1::from_shape_fn(80, |i| 0.2 + 0.6 * (((i * 13) % 37) as f64 / 37.0));
        let q = ndarray::Array2::from_shape_fn((25, 4), |(i, j)| ((i * 3 + j) % 9) as f64 - 4.0);
        let specs = baseline_specs();
        let ensembles: Vec<&ModelSpec> = specs
            .iter()
            .filter(|s| s.ensemble_size().is_some())
            .collect();
        assert_eq!(ensembles.len(), 12);
        for family in [
            ModelFamily::GradientBoosting,
            ModelFamily::AdaBoost,
            ModelFamily::RandomForest,
        ] {
            let members: Vec<&&ModelSpec> =
                ensembles.iter().filter(|s| s.family() == family).collect();
            let largest = members.iter().max_by_key(|s| s.ensemble_size()).unwrap();
            for seed in [3, 4] {
                let big = largest.regressor().fit(x.view(), y.view(), seed).unwrap();
                for spec in &members {
                    let size = spec.ensemble_size().unwrap();
                    let alone = spec
                        .regressor()
                        .fit(x.view(), y.view(), seed)
                        .unwrap()
                        .predict(q.view())
                        .unwrap();
                    let prefix = big.predict_first(q.view(), size).unwrap().unwrap();
                    assert_eq!(prefix, alone, "{} seed {seed}", spec.name());
                }
            }
        }
        // Models that are not ensembles say so.
        let tree = DecisionTree.fit(x.view(), y.view(), 1).unwrap();
        assert!(tree.predict_first(q.view(), 1).is_none());
    }

    #[test]
    fn names_are_unique() {
        let names: Vec<String> = all_specs().iter().map(|s| s.name().to_owned()).collect();
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
        assert_send_sync::<FittedTree>();
        assert_send_sync::<BoostedTrees>();
        assert_send_sync::<BoostedMedian>();
        assert_send_sync::<SupportVectors>();
        assert_send_sync::<Forest>();
        assert_send_sync::<Box<dyn crate::FittedRegressor>>();
    }
}
