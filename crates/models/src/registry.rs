//! The registry: the regressors of the NAAP-440 baseline (24) and of the
//! extended study, built from [`RegressorSpec`]'s lists.
//!
//! Which regressors may run where is said by each regressor
//! ([`Regressor::extrapolates`], [`Regressor::uses_seed`],
//! [`Regressor::ensemble`]), so a runner needs nothing but the list.

use crate::{Regressor, RegressorSpec};

fn built(specs: Vec<RegressorSpec>) -> Vec<Box<dyn Regressor>> {
    specs.iter().map(RegressorSpec::build).collect()
}

/// The 24 baseline regressors, in the paper's order ([`RegressorSpec::baseline`]).
pub fn baseline_regressors() -> Vec<Box<dyn Regressor>> {
    built(RegressorSpec::baseline())
}

/// The baseline regressors followed by the extended ones ([`RegressorSpec::extended`]).
pub fn extended_regressors() -> Vec<Box<dyn Regressor>> {
    built(RegressorSpec::extended())
}

/// Every regressor a name can select ([`RegressorSpec::all`]).
pub fn all_regressors() -> Vec<Box<dyn Regressor>> {
    built(RegressorSpec::all())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BoostedMedian, BoostedTrees, FittedTree, Forest, Knn, LinearModel};
    use crate::{DecisionTree, Ensemble, EnsembleFamily, FittedRegressor};
    use crate::{SupportVectors, TransformedLinear};
    use std::collections::HashSet;

    #[test]
    fn baseline_has_the_24_models_of_the_issue_in_order() {
        let names: Vec<String> = baseline_regressors()
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
        let names: Vec<String> = all_regressors()
            .iter()
            .filter(|m| m.extrapolates())
            .map(|m| m.name().to_owned())
            .collect();
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
        for model in all_regressors() {
            let fit = |seed| {
                model
                    .fit(x.view(), y.view(), seed)
                    .unwrap()
                    .predict(x.view())
                    .unwrap()
            };
            let first = fit(11);
            assert!(first.iter().all(|v| v.is_finite()), "{}", model.name());
            assert_eq!(first, fit(11), "{} is not reproducible", model.name());
            if !model.uses_seed() {
                assert_eq!(first, fit(12), "{} depends on the seed", model.name());
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
        let models = baseline_regressors();
        let ensembles: Vec<(&Box<dyn Regressor>, Ensemble)> = models
            .iter()
            .filter_map(|m| m.ensemble().map(|e| (m, e)))
            .collect();
        assert_eq!(ensembles.len(), 12);
        for family in [
            EnsembleFamily::GradientBoosting,
            EnsembleFamily::AdaBoost,
            EnsembleFamily::RandomForest,
        ] {
            let members: Vec<&(&Box<dyn Regressor>, Ensemble)> = ensembles
                .iter()
                .filter(|(_, e)| e.family == family)
                .collect();
            let largest = members.iter().max_by_key(|(_, e)| e.members).unwrap().0;
            for seed in [3, 4] {
                let big = largest.fit(x.view(), y.view(), seed).unwrap();
                for (model, ensemble) in &members {
                    let alone = model
                        .fit(x.view(), y.view(), seed)
                        .unwrap()
                        .predict(q.view())
                        .unwrap();
                    let prefix = big
                        .predict_first(q.view(), ensemble.members)
                        .unwrap()
                        .unwrap();
                    assert_eq!(prefix, alone, "{} seed {seed}", model.name());
                }
            }
        }
        // Models that are not ensembles say so.
        let tree = DecisionTree.fit(x.view(), y.view(), 1).unwrap();
        assert!(tree.predict_first(q.view(), 1).is_none());
    }

    #[test]
    fn every_registry_regressor_saves_and_loads_bit_exactly() {
        let x = ndarray::Array2::from_shape_fn((50, 3), |(i, j)| {
            (((i * (j + 3)) % 19) as f64 - 9.0) / 5.0
        });
        let y = ndarray::Array1::from_shape_fn(50, |i| 0.4 + 0.3 * (((i * 11) % 23) as f64 / 23.0));
        for regressor in all_regressors() {
            let fitted = regressor.fit(x.view(), y.view(), 5).unwrap();
            let saved = fitted.to_model().expect("every registry regressor saves");
            let json = serde_json::to_string(&saved).unwrap();
            let loaded: crate::FittedModel = serde_json::from_str(&json).unwrap();
            loaded.check(3).unwrap();
            let bits = |p: Vec<f64>| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(loaded.predict(x.view()).unwrap()),
                bits(fitted.predict(x.view()).unwrap()),
                "{}",
                regressor.name()
            );
            assert!(loaded.check(4).is_err(), "{}", regressor.name());
        }
    }

    #[test]
    fn names_are_unique() {
        let names: Vec<String> = all_regressors()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }

    #[test]
    fn extended_starts_with_the_baseline() {
        let base: Vec<String> = baseline_regressors()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let ext: Vec<String> = extended_regressors()
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
