//! [`RegressorSpec`]: the regressors a user can name, one variant each.
//!
//! The spec is the choice, the built regressor ([`RegressorSpec::build`])
//! the thing that fits. `Display` writes the name every output uses
//! ("Random Forest (N=200)", "3-NN", "LcSVR"), `FromStr` reads it back and
//! serde writes and reads the same name, so a lookup by name builds exactly
//! one regressor. Adding a regressor: its file, a variant here (its name in
//! `fmt`, its constructor in `build`) and, if a name should select it, its
//! place in [`RegressorSpec::all`].

use std::fmt;
use std::str::FromStr;

use crate::{
    AdaBoost, DecisionTree, Error, GradientBoosting, Kernel, KnnRegressor, LcSvr, LinearRegression,
    MeanEnsemble, NuSvr, PairwiseBoosting, RandomForest, RankSvm, Regressor, Svr, TargetTransform,
    TransformedTarget,
};

/// One regressor of the registry, by its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum RegressorSpec {
    /// k-nearest neighbours (`{k}-NN`).
    Knn {
        /// Neighbours averaged.
        k: usize,
    },
    /// Least squares (`Linear Regression`).
    LinearRegression,
    /// Least squares on a transformed target (`Linear Regression (D=0.5)`,
    /// `Exponential Regression`, ...).
    TransformedTarget(TargetTransform),
    /// One regression tree (`Decision Tree`).
    DecisionTree,
    /// Gradient-boosted trees (`Gradient Boosting (N={trees})`).
    GradientBoosting {
        /// Boosting rounds.
        trees: usize,
    },
    /// AdaBoost.R2 over trees (`AdaBoost (N={trees})`).
    AdaBoost {
        /// Boosting rounds.
        trees: usize,
    },
    /// ε-SVR (`SVR (RBF kernel)`, `SVR (Polynomial kernel)`, `SVR (Linear kernel)`).
    Svr(Kernel),
    /// Random forest (`Random Forest (N={trees})`).
    RandomForest {
        /// Trees in the forest.
        trees: usize,
    },
    /// ν-SVR with scikit-learn's NuSVR defaults: C = 1, ν = 0.5,
    /// γ = 'scale' (`Nu-SVR (RBF kernel)`).
    NuSvr,
    /// ν-SVR tuned by a seeded random search (`LcSVR`).
    LcSvr,
    /// Gradient-boosted trees on a pairwise ranking loss, calibrated
    /// (`Pairwise Boosting (N={trees})`).
    PairwiseBoosting {
        /// Boosting rounds.
        trees: usize,
    },
    /// A linear pairwise ranking model, calibrated (`RankSVM`).
    RankSvm,
    /// The mean of the predictions of two or more regressors
    /// (`Mean(A + B + ...)`), each fitted with the same seed. Any names of
    /// the registry; not itself listed in [`RegressorSpec::all`].
    Mean(Vec<RegressorSpec>),
}

/// Tree counts of the boosting and forest regressors.
const ENSEMBLE_SIZES: [usize; 4] = [25, 50, 100, 200];

impl RegressorSpec {
    /// The 24 regressors of the NAAP-440 baseline, in the paper's order.
    pub fn baseline() -> Vec<RegressorSpec> {
        use RegressorSpec as S;
        let mut specs: Vec<RegressorSpec> = [1, 3, 5, 7, 9].map(|k| S::Knn { k }).to_vec();
        specs.push(S::LinearRegression);
        for d in [0.5, 0.25] {
            specs.push(S::TransformedTarget(TargetTransform::Power { d }));
        }
        specs.push(S::DecisionTree);
        specs.extend(ENSEMBLE_SIZES.map(|trees| S::GradientBoosting { trees }));
        specs.extend(ENSEMBLE_SIZES.map(|trees| S::AdaBoost { trees }));
        specs.extend([Kernel::Rbf, Kernel::Polynomial, Kernel::Linear].map(S::Svr));
        specs.extend(ENSEMBLE_SIZES.map(|trees| S::RandomForest { trees }));
        specs
    }

    /// The baseline then the four further target transforms of the
    /// extended study: `D=2`, exponential, logarithmic and sigmoid.
    pub fn extended() -> Vec<RegressorSpec> {
        let mut specs = RegressorSpec::baseline();
        specs.extend(
            [
                TargetTransform::Power { d: 2.0 },
                TargetTransform::Exp,
                TargetTransform::Log,
                TargetTransform::Sigmoid,
            ]
            .map(RegressorSpec::TransformedTarget),
        );
        specs
    }

    /// Every regressor a name can select: the extended ones, then the
    /// learning-curve study's `Nu-SVR (RBF kernel)` and `LcSVR` (not in
    /// [`RegressorSpec::extended`], so runs that default to "all" keep
    /// their cost).
    pub fn all() -> Vec<RegressorSpec> {
        let mut specs = RegressorSpec::extended();
        specs.extend([RegressorSpec::NuSvr, RegressorSpec::LcSvr]);
        specs.extend(RegressorSpec::ranking());
        specs
    }

    /// The ranking-aware regressors: fitted on a pairwise loss, their
    /// scores calibrated to accuracy.
    pub fn ranking() -> Vec<RegressorSpec> {
        vec![
            RegressorSpec::PairwiseBoosting { trees: 100 },
            RegressorSpec::RankSvm,
        ]
    }

    /// The regressor itself, ready to fit.
    pub fn build(&self) -> Box<dyn Regressor> {
        match *self {
            RegressorSpec::Mean(ref members) => Box::new(MeanEnsemble::new(
                members.iter().map(RegressorSpec::build).collect(),
                self.to_string(),
            )),
            RegressorSpec::Knn { k } => Box::new(KnnRegressor::new(k)),
            RegressorSpec::LinearRegression => Box::new(LinearRegression),
            RegressorSpec::TransformedTarget(t) => Box::new(TransformedTarget::new(t)),
            RegressorSpec::DecisionTree => Box::new(DecisionTree),
            RegressorSpec::GradientBoosting { trees } => Box::new(GradientBoosting::new(trees)),
            RegressorSpec::AdaBoost { trees } => Box::new(AdaBoost::new(trees)),
            RegressorSpec::Svr(kernel) => Box::new(Svr::new(kernel)),
            RegressorSpec::RandomForest { trees } => Box::new(RandomForest::new(trees)),
            RegressorSpec::NuSvr => {
                Box::new(NuSvr::new(1.0, 0.5, None).expect("scikit-learn's defaults are valid"))
            }
            RegressorSpec::LcSvr => Box::new(LcSvr),
            RegressorSpec::PairwiseBoosting { trees } => Box::new(PairwiseBoosting::new(trees)),
            RegressorSpec::RankSvm => Box::new(RankSvm),
        }
    }
}

impl fmt::Display for RegressorSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegressorSpec::Knn { k } => write!(f, "{k}-NN"),
            RegressorSpec::LinearRegression => f.write_str("Linear Regression"),
            RegressorSpec::TransformedTarget(t) => f.write_str(&t.model_name()),
            RegressorSpec::DecisionTree => f.write_str("Decision Tree"),
            RegressorSpec::GradientBoosting { trees } => write!(f, "Gradient Boosting (N={trees})"),
            RegressorSpec::AdaBoost { trees } => write!(f, "AdaBoost (N={trees})"),
            RegressorSpec::Svr(kernel) => f.write_str(kernel.model_name()),
            RegressorSpec::RandomForest { trees } => write!(f, "Random Forest (N={trees})"),
            RegressorSpec::NuSvr => f.write_str("Nu-SVR (RBF kernel)"),
            RegressorSpec::LcSvr => f.write_str("LcSVR"),
            RegressorSpec::PairwiseBoosting { trees } => write!(f, "Pairwise Boosting (N={trees})"),
            RegressorSpec::RankSvm => f.write_str("RankSVM"),
            RegressorSpec::Mean(members) => {
                f.write_str("Mean(")?;
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{m}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// The names of [`RegressorSpec::all`], for help texts and errors.
pub fn regressor_names() -> Vec<String> {
    RegressorSpec::all()
        .iter()
        .map(ToString::to_string)
        .collect()
}

impl FromStr for RegressorSpec {
    type Err = Error;

    /// A name of [`RegressorSpec::all`], exactly as the outputs write it.
    fn from_str(name: &str) -> Result<Self, Error> {
        if let Some(inner) = name.strip_prefix("Mean(").and_then(|r| r.strip_suffix(')')) {
            let members = inner
                .split(" + ")
                .map(|m| match m.starts_with("Mean(") {
                    true => Err(Error::InvalidInput(format!(
                        "'{name}': a mean of means is not a model; list the members once"
                    ))),
                    false => m.parse::<RegressorSpec>(),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if members.len() < 2 {
                return Err(Error::InvalidInput(format!(
                    "'{name}': a mean needs at least two models, `Mean(A + B)`"
                )));
            }
            return Ok(RegressorSpec::Mean(members));
        }
        RegressorSpec::all()
            .into_iter()
            .find(|spec| spec.to_string() == name)
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "unknown model '{name}', expected one of: {}",
                    regressor_names().join(", ")
                ))
            })
    }
}

impl serde::Serialize for RegressorSpec {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for RegressorSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_names_the_regressor_it_builds_and_parses_back() {
        let all = RegressorSpec::all();
        assert_eq!(all.len(), 32);
        for spec in all {
            let name = spec.to_string();
            assert_eq!(spec.build().name(), name);
            assert_eq!(name.parse::<RegressorSpec>().unwrap(), spec);
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<RegressorSpec>(&json).unwrap(), spec);
        }
    }

    #[test]
    fn names_outside_the_registry_are_refused_with_the_list() {
        for bad in ["Random Forest (N=30)", "2-NN", "random forest (N=25)", ""] {
            let err = bad.parse::<RegressorSpec>().unwrap_err().to_string();
            assert!(err.starts_with(&format!("unknown model '{bad}'")), "{err}");
            assert!(
                err.contains("Random Forest (N=200), Linear Regression (D=2)"),
                "{err}"
            );
        }
        assert!(serde_json::from_str::<RegressorSpec>("\"4-NN\"").is_err());
    }
}
