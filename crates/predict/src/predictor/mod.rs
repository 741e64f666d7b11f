//! A fitted accuracy predictor as one value that owns the whole path from
//! raw inputs to a number: the feature list (by name), the log transforms
//! of `NumParams` and `NumMACs`, the scaler fitted on the training rows and
//! the fitted model. Saved to and loaded from a versioned, self-describing
//! JSON file ([`Predictor::save`], [`Predictor::load`]).
//!
//! ```no_run
//! use naap_predict::features::FeatureSet;
//! use naap_predict::models::RegressorSpec;
//! use naap_predict::predictor::Predictor;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dataset = naap_dataset::Dataset::read("naap440.csv".as_ref())?;
//! let svr = "SVR (RBF kernel)".parse::<RegressorSpec>()?.build();
//! let p = Predictor::fit(&dataset, &*svr, &FeatureSet::named("Scheme")?, 1)?;
//! println!("{}", p.predict(&[&dataset.rows[0]])?[0]);
//! # Ok(()) }
//! ```
//!
//! Fitting prepares rows exactly as the paper's protocol does
//! ([`crate::protocol::Prepared`]): rows sorted by MaxAccuracy (ties kept in
//! their order), the features' matrix, a standard scaler fitted on these
//! rows only. So a predictor fitted on the published train rows predicts
//! the test rows bit for bit as `naap baseline` does for the same model,
//! feature set and seed.

mod batch;
mod file;
mod job;
mod select_by;

pub use batch::{predict_schemes, predictions_csv, Batch, Curves, Prediction, Skipped};
pub use file::{sha256_hex, DatasetSource, FORMAT_VERSION};
pub use job::{CurveSource, FitColumns, FitJob, FitReport, PredictJob, PredictReport};
pub use select_by::{CvCandidate, CvFitJob, CvSelect, SelectionRecord};

use crate::features::{Feature, FeatureSet};
use crate::metrics::Scores;
use crate::models::FittedModel;
use crate::models::StandardScaler;
use crate::protocol::{published_split, sort_by_accuracy, sorted_rows, Prepared};
use crate::{Error, FittedRegressor, Regressor, Result};
use naap_dataset::Architecture;
use naap_dataset::{Dataset, Row};

/// A fitted predictor: features, scaler and model, with a record of what it
/// was fitted on.
#[derive(Debug, Clone)]
pub struct Predictor {
    body: file::Body,
    set: FeatureSet,
}

/// The model of a predictor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRecord {
    /// The display name, as in every output (`5-NN`, `SVR (RBF kernel)`).
    pub name: String,
    /// The hyper-parameters ([`crate::Regressor::hyper_parameters`]).
    pub hyper_parameters: serde_json::Value,
}

/// What a predictor was fitted on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingRecord {
    /// The dataset file and its SHA-256, when the caller gave them
    /// ([`Predictor::with_source`]).
    pub dataset: Option<DatasetSource>,
    /// How many rows the model was fitted on.
    pub rows: usize,
    /// Their `ModelId`s, in fitting order (sorted by MaxAccuracy).
    pub model_ids: Vec<u32>,
    /// The fitting seed.
    pub seed: u64,
    /// How the model and feature set were chosen, when `naap fit
    /// --select-by cv K` chose them among several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<SelectionRecord>,
}

impl Predictor {
    /// Fits on every row of `dataset`: a predictor for production use.
    pub fn fit(
        dataset: &Dataset,
        model: &dyn Regressor,
        set: &FeatureSet,
        seed: u64,
    ) -> Result<Self> {
        Predictor::fit_rows(&sorted_rows(dataset), model, set, seed)
    }

    /// Fits on the published train rows of `dataset` (`IsTest` = 0), as
    /// `naap baseline` does; the test rows are left for [`Predictor::score`].
    pub fn fit_published_train(
        dataset: &Dataset,
        model: &dyn Regressor,
        set: &FeatureSet,
        seed: u64,
    ) -> Result<Self> {
        let (train, _) = published_split(&sorted_rows(dataset));
        Predictor::fit_rows(&train, model, set, seed)
    }

    /// [`Predictor::fit_published_train`], then scores the published test
    /// rows (MAE, violations, Kendall τ, ...) as `naap baseline` scores
    /// that model, feature set and seed.
    pub fn fit_and_score_published(
        dataset: &Dataset,
        model: &dyn Regressor,
        set: &FeatureSet,
        seed: u64,
    ) -> Result<(Self, Scores)> {
        let rows = sorted_rows(dataset);
        let (train, test) = published_split(&rows);
        if test.is_empty() {
            return Err(Error::InvalidInput(
                "the dataset has no test rows (IsTest = 1) to score on; fit on all rows instead"
                    .into(),
            ));
        }
        let predictor = Predictor::fit_rows(&train, model, set, seed)?;
        let (_, scores) = predictor.score(&test)?;
        Ok((predictor, scores))
    }

    /// Fits on any subset of rows (e.g. one fold of a cross-validation),
    /// sorted by MaxAccuracy first as the protocol sorts them.
    pub fn fit_rows(
        rows: &[&Row],
        model: &dyn Regressor,
        set: &FeatureSet,
        seed: u64,
    ) -> Result<Self> {
        let mut rows = rows.to_vec();
        sort_by_accuracy(&mut rows);
        let prepared = Prepared::fit(&rows, set)?;
        let fitted = model
            .fit(prepared.x.view(), prepared.y.view(), seed)?
            .to_model()
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{} is not a registry model and cannot be saved as a predictor",
                    model.name()
                ))
            })?;
        let body = file::Body {
            model: ModelRecord {
                name: model.name().to_owned(),
                hyper_parameters: model.hyper_parameters(),
            },
            feature_set: set.name().to_owned(),
            features: set.features().to_vec(),
            log_transformed: set
                .features()
                .iter()
                .filter(|f| f.is_log())
                .cloned()
                .collect(),
            scaler: prepared.scaler,
            fitted,
            training: TrainingRecord {
                dataset: None,
                rows: rows.len(),
                model_ids: rows.iter().map(|r| r.id.get()).collect(),
                seed,
                selection: None,
            },
        };
        Ok(Predictor {
            body,
            set: set.clone(),
        })
    }

    /// Records how the model and feature set were chosen.
    pub fn with_selection(mut self, selection: SelectionRecord) -> Self {
        self.body.training.selection = Some(selection);
        self
    }

    /// Records the dataset file the predictor was fitted on.
    pub fn with_source(mut self, source: DatasetSource) -> Self {
        self.body.training.dataset = Some(source);
        self
    }

    /// Predicts each candidate's MaxAccuracy, in order. Errors name the
    /// candidate by its 1-based position.
    pub fn predict<S: AsRef<Architecture>>(&self, candidates: &[S]) -> Result<Vec<f64>> {
        self.predict_named(candidates, |i| format!("candidate {}", i + 1))
    }

    /// [`Predictor::predict`], with `who(i)` naming candidate `i` in errors.
    pub fn predict_named<S: AsRef<Architecture>>(
        &self,
        candidates: &[S],
        who: impl Fn(usize) -> String,
    ) -> Result<Vec<f64>> {
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let raw = self.set.matrix_of(candidates, who)?;
        let x = self.body.scaler.transform(raw.view())?;
        Ok(self.body.fitted.predict(x.view())?)
    }

    /// Predicts from a samples × features matrix in raw units, columns in
    /// [`Predictor::feature_names`] order (`NumParams` and `NumMACs` as
    /// counts, as in the CSV; the predictor takes their logs and scales as
    /// it was fitted). Errors name the row and column.
    pub fn predict_raw(&self, raw: ndarray::ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        let features = self.set.features();
        if raw.ncols() != features.len() {
            return Err(Error::InvalidInput(format!(
                "the predictor reads {} features ({}), got {} columns",
                features.len(),
                self.feature_names().join(", "),
                raw.ncols()
            )));
        }
        if raw.nrows() == 0 {
            return Ok(Vec::new());
        }
        let mut x = ndarray::Array2::zeros(raw.raw_dim());
        for ((i, j), &v) in raw.indexed_iter() {
            let at =
                |m: String| Error::InvalidInput(format!("row {}, column {}: {m}", i + 1, j + 1));
            if !v.is_finite() {
                return Err(at(format!("{} is not finite ({v})", features[j])));
            }
            x[[i, j]] = features[j].model_input(v).map_err(|e| at(e.to_string()))?;
        }
        let x = self.body.scaler.transform(x.view())?;
        Ok(self.body.fitted.predict(x.view())?)
    }

    /// Predicts dataset rows and scores the predictions against their
    /// MaxAccuracy (MAE, monotonicity violations, Kendall τ, ...).
    pub fn score(&self, rows: &[&Row]) -> Result<(Vec<f64>, Scores)> {
        let predictions = self.predict_named(rows, |i| format!("model {}", rows[i].id))?;
        let truth: Vec<f64> = rows.iter().map(|r| r.max_accuracy).collect();
        let scores = Scores::compute(&truth, &predictions)
            .map_err(|e| Error::InvalidInput(format!("scoring {}: {e}", self.model().name)))?;
        Ok((predictions, scores))
    }

    /// The model's name and hyper-parameters.
    pub fn model(&self) -> &ModelRecord {
        &self.body.model
    }

    /// The fitted model itself (coefficients, trees, support vectors, ...).
    pub fn fitted(&self) -> &FittedModel {
        &self.body.fitted
    }

    /// The feature set: its name and columns in model-input order.
    pub fn feature_set(&self) -> &FeatureSet {
        &self.set
    }

    /// The scaler fitted on the training rows.
    pub fn scaler(&self) -> &StandardScaler {
        &self.body.scaler
    }

    /// What the predictor was fitted on.
    pub fn training(&self) -> &TrainingRecord {
        &self.body.training
    }

    /// How many trained epochs a candidate needs (0: the scheme alone).
    pub fn epochs_needed(&self) -> u32 {
        self.set.epochs()
    }

    /// The columns a candidate must provide, as CSV names.
    pub fn feature_names(&self) -> Vec<String> {
        self.set.features().iter().map(Feature::to_string).collect()
    }
}

#[cfg(test)]
mod tests;
