//! The regressor zoo of naap: the learners that predict an architecture's
//! accuracy from a matrix of features.
//!
//! Reads matrices (`ndarray`, samples × features, one `f64` target per row)
//! and writes fitted models: every regressor implements [`Regressor`] (its
//! hyper-parameters) and fits into a [`FittedRegressor`], whose saveable form
//! is a [`FittedModel`]. [`StandardScaler`] standardises columns as
//! scikit-learn does. Start at [`RegressorSpec`]: a regressor by name
//! (`"Random Forest (N=200)".parse()`), [`RegressorSpec::baseline`] (the
//! paper's 24) or [`RegressorSpec::all`] (every regressor a name can select).
//! The forest and gradient boosting also grow member by member ([`Growth`],
//! from [`Regressor::growth`]), so one growth gives every size of the family.
//!
//! Every regressor mirrors the scikit-learn estimator named in its module doc,
//! so that results can be compared cell by cell with the paper's tables. This
//! crate knows nothing of CSV files or datasets (`naap-predict` turns rows
//! into matrices).
#![deny(missing_docs)]

mod adaboost;
mod ensemble;
mod error;
mod forest;
mod gradient_boosting;
mod growth;
mod input;
mod knn;
mod lcsvr;
mod linear;
mod mean;
mod numeric;
mod rank;
mod registry;
mod regressor;
mod saved;
mod scaler;
mod spec;
mod svr;
mod tree;

#[cfg(test)]
mod reference;

pub use adaboost::{AdaBoost, BoostedMedian};
pub use error::{Error, Result};
pub use forest::{Forest, RandomForest};
pub use gradient_boosting::{BoostedTrees, GradientBoosting};
pub use growth::Growth;
pub use knn::{Knn, KnnRegressor};
pub use lcsvr::{FittedLcSvr, LcSvr, LcSvrChoice};
pub use linear::{
    LinearModel, LinearRegression, TargetTransform, TransformedLinear, TransformedTarget,
};
pub use mean::{FittedMean, MeanEnsemble};
pub use rank::{FittedPairwiseBoosting, FittedRankSvm, PairwiseBoosting, RankSvm};
pub use registry::{all_regressors, baseline_regressors, extended_regressors};
pub use regressor::{Ensemble, EnsembleFamily, FittedRegressor, Regressor};
pub use saved::FittedModel;
pub use scaler::StandardScaler;
pub use spec::{regressor_names, RegressorSpec};
pub use svr::{Kernel, NuSvr, SupportVectors, Svr};
pub use tree::{DecisionTree, FittedTree};
