//! `naap fit --select-by cv K`: the model and feature set chosen among
//! several by K-fold cross-validation on the training rows alone (the
//! published train rows, or every row with `--all-rows`); the test rows
//! never take part, so the choice is honest, and the predictor file records
//! it with every candidate's cross-validated scores.
//!
//! The training rows, in ModelId order, are shuffled by ChaCha8 seeded by
//! the fitting seed and dealt round robin into K folds. Each candidate is
//! fitted K times on K − 1 folds (in file order, then by MaxAccuracy, as
//! `naap fit` fits) through the one fit-and-score path and scored on the
//! fold it left out. The criterion is the project's: fewest violations
//! summed over the folds (pairs within a fold), then the lowest MAE over
//! every held-out prediction, then the first candidate given.

use super::job::read_dataset;
use super::{FitColumns, FitJob, FitReport};
use crate::features::FeatureSetSpec;
use crate::models::RegressorSpec;
use crate::protocol::{evaluate_seed, sort_by_accuracy, TrainTest};
use crate::{Error, Result};
use naap_dataset::{Dataset, Row};
use naap_output::OutputFile;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;
use std::path::PathBuf;

/// `naap fit --select-by cv K`: choose by cross-validation, then fit the
/// choice as `naap fit` fits it, the choice recorded in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CvFitJob {
    /// The dataset CSV.
    pub dataset: PathBuf,
    /// The candidates, K, the seed and the rows.
    pub select: CvSelect,
}

impl CvFitJob {
    /// Chooses, fits and writes the predictor file to `out`.
    pub fn run(&self, out: &OutputFile) -> Result<FitReport> {
        let dataset = read_dataset(&self.dataset)?;
        let (model, set, record) = self.select.choose(&dataset)?;
        FitJob {
            dataset: self.dataset.clone(),
            regressor: model,
            columns: FitColumns::Set(set),
            seed: self.select.seed,
            all_rows: self.select.all_rows,
            selection: Some(record),
        }
        .run(out)
    }
}

/// The most folds: every fold must hold at least two rows anyway.
pub const MAX_FOLDS: usize = 100;

/// The choice to make.
#[derive(Debug, Clone, PartialEq)]
pub struct CvSelect {
    /// Candidate regressors.
    pub models: Vec<RegressorSpec>,
    /// Candidate feature sets (every model is tried with every set).
    pub sets: Vec<FeatureSetSpec>,
    /// K.
    pub folds: usize,
    /// Seed of the fold draw and of every fit.
    pub seed: u64,
    /// Cross-validate on every row instead of the published train rows.
    pub all_rows: bool,
}

/// One candidate's cross-validated scores, as the predictor file records
/// them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CvCandidate {
    /// Regressor name.
    pub model: String,
    /// Feature set name.
    pub feature_set: String,
    /// Violations summed over the held-out folds.
    pub violations: usize,
    /// Pairs within the held-out folds.
    pub max_violations: usize,
    /// MAE over every held-out prediction.
    pub mae: f64,
}

/// How a predictor's model and feature set were chosen.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionRecord {
    /// `"cv"`.
    pub method: String,
    /// K.
    pub folds: usize,
    /// Rows cross-validated on (never the test rows unless `--all-rows`).
    pub rows: usize,
    /// The criterion, in words.
    pub criterion: String,
    /// Every candidate, in the order given.
    pub candidates: Vec<CvCandidate>,
    /// Index of the chosen one.
    pub chosen: usize,
}

impl CvSelect {
    /// Cross-validates every (model, set) on `dataset`'s training rows and
    /// returns the chosen pair with the record of the choice.
    pub fn choose(
        &self,
        dataset: &Dataset,
    ) -> Result<(RegressorSpec, FeatureSetSpec, SelectionRecord)> {
        let bad = |m: String| Error::InvalidInput(format!("--select-by cv: {m}"));
        if self.models.is_empty() || self.sets.is_empty() {
            return Err(bad("give at least one model and one feature set".into()));
        }
        let mut rows: Vec<&Row> = dataset
            .rows
            .iter()
            .filter(|r| self.all_rows || !r.is_test)
            .collect();
        if !(2..=MAX_FOLDS).contains(&self.folds) || rows.len() < 2 * self.folds {
            return Err(bad(format!(
                "K must be between 2 and {MAX_FOLDS} and leave at least 2 of the {} training \
                 rows in each fold, got {}",
                rows.len(),
                self.folds
            )));
        }
        rows.sort_by_key(|r| r.id);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(self.seed));
        let mut fold_of = vec![0; rows.len()];
        for (pos, &i) in order.iter().enumerate() {
            fold_of[i] = pos % self.folds;
        }
        let pairs: Vec<(RegressorSpec, FeatureSetSpec)> = self
            .models
            .iter()
            .flat_map(|m| self.sets.iter().map(move |s| (m.clone(), *s)))
            .collect();
        let candidates = pairs
            .par_iter()
            .map(|(model, set)| self.cross_validate(&rows, &fold_of, model.clone(), *set))
            .collect::<Result<Vec<_>>>()?;
        // Fewest violations, then lowest MAE, then the first given.
        let chosen = (0..candidates.len())
            .min_by(|&a, &b| {
                let (x, y) = (&candidates[a], &candidates[b]);
                x.violations
                    .cmp(&y.violations)
                    .then(x.mae.total_cmp(&y.mae))
                    .then(a.cmp(&b))
            })
            .expect("at least one candidate");
        let (model, set) = pairs[chosen].clone();
        Ok((
            model,
            set,
            SelectionRecord {
                method: "cv".into(),
                folds: self.folds,
                rows: rows.len(),
                criterion: "fewest violations summed over the held-out folds, then lowest MAE"
                    .into(),
                candidates,
                chosen,
            },
        ))
    }

    fn cross_validate(
        &self,
        rows: &[&Row],
        fold_of: &[usize],
        model: RegressorSpec,
        set: FeatureSetSpec,
    ) -> Result<CvCandidate> {
        let features = set.build()?;
        let regressor = model.build();
        let (mut violations, mut max_violations, mut abs_error) = (0, 0, 0.0);
        for fold in 0..self.folds {
            // `rows` is in ModelId (file) order; sorting by accuracy keeps ties so.
            let mut train: Vec<&Row> = (0..rows.len())
                .filter(|&i| fold_of[i] != fold)
                .map(|i| rows[i])
                .collect();
            sort_by_accuracy(&mut train);
            let test: Vec<&Row> = (0..rows.len())
                .filter(|&i| fold_of[i] == fold)
                .map(|i| rows[i])
                .collect();
            let data = TrainTest::build(&train, &test, &features)?;
            let run = evaluate_seed(&*regressor, &data, self.seed, None).map_err(|e| {
                Error::InvalidInput(format!(
                    "--select-by cv: {model} on {set}, fold {}: {e}",
                    fold + 1
                ))
            })?;
            violations += run.scores.violations;
            max_violations += run.scores.max_violations;
            abs_error += run.scores.mae * test.len() as f64;
        }
        Ok(CvCandidate {
            model: model.to_string(),
            feature_set: set.to_string(),
            violations,
            max_violations,
            mae: abs_error / rows.len() as f64,
        })
    }
}
