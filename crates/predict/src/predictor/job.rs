//! `naap fit` and `naap predict` as library jobs: a resolved [`FitJob`] or
//! [`PredictJob`] reads its inputs, does the work and writes its one output
//! file, so a test or a binding gets the file the CLI writes.

use std::path::{Path, PathBuf};

use naap_dataset::Dataset;
use naap_output::OutputFile;
use naap_space::IdList;

use super::{predict_schemes, predictions_csv, Curves, DatasetSource, Predictor, Skipped};
use crate::features::{Feature, FeatureSet, FeatureSetSpec};
use crate::metrics::Scores;
use crate::models::RegressorSpec;
use crate::select::{best_subset, Mode};
use crate::{Error, Result};

/// Which columns a fitted predictor reads.
#[derive(Debug, Clone, PartialEq)]
pub enum FitColumns {
    /// A named feature set.
    Set(FeatureSetSpec),
    /// Columns by name, in this order (the set is named `A+B+...`).
    Features(Vec<Feature>),
    /// The best subset a `naap select-features` run (its folder) found for
    /// this regressor, mode and searched set.
    FromSelection {
        /// The select-features output folder (its results.csv is read).
        dir: PathBuf,
        /// The split mode of the search.
        mode: Mode,
        /// The searched set.
        set: FeatureSetSpec,
    },
}

/// `naap fit`: fit one predictor and save it as a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FitJob {
    /// The dataset CSV to fit on.
    pub dataset: PathBuf,
    /// The regressor.
    pub regressor: RegressorSpec,
    /// Its input columns.
    pub columns: FitColumns,
    /// The fitting seed.
    pub seed: u64,
    /// Fit on every row (no test score) instead of the published train rows.
    pub all_rows: bool,
    /// How the regressor and columns were chosen, recorded in the file
    /// ([`super::CvFitJob`] sets it).
    pub selection: Option<super::SelectionRecord>,
}

/// What a [`FitJob`] did.
#[derive(Debug, Clone)]
pub struct FitReport {
    /// The fitted predictor (as written).
    pub predictor: Predictor,
    /// The published test rows' scores and their count (not with `all_rows`).
    pub test: Option<(Scores, usize)>,
}

impl FitJob {
    /// Reads the dataset, fits, and writes the predictor file to `out`.
    pub fn run(&self, out: &OutputFile) -> Result<FitReport> {
        let report = self.fit()?;
        out.commit(report.predictor.to_json()?.as_bytes())?;
        Ok(report)
    }

    /// Reads the dataset and fits, writing nothing: the predictor that
    /// [`FitJob::run`] saves (its file, [`Predictor::to_json`], is the same
    /// bytes).
    pub fn fit(&self) -> Result<FitReport> {
        let set = self.feature_set()?;
        let dataset = read_dataset(&self.dataset)?;
        let source = DatasetSource::of_file(&self.dataset)?;
        let regressor = self.regressor.build();
        let fitting = |e: Error| Error::Fitting {
            regressor: self.regressor.to_string(),
            set: set.name().to_owned(),
            source: Box::new(e),
        };
        let (predictor, test) = if self.all_rows {
            let p = Predictor::fit(&dataset, &*regressor, &set, self.seed).map_err(fitting)?;
            (p, None)
        } else {
            let (p, scores) =
                Predictor::fit_and_score_published(&dataset, &*regressor, &set, self.seed)
                    .map_err(fitting)?;
            let test_rows = dataset.rows.iter().filter(|r| r.is_test).count();
            (p, Some((scores, test_rows)))
        };
        let predictor = match &self.selection {
            Some(record) => predictor.with_source(source).with_selection(record.clone()),
            None => predictor.with_source(source),
        };
        Ok(FitReport { predictor, test })
    }

    /// The columns the job names.
    fn feature_set(&self) -> Result<FeatureSet> {
        match &self.columns {
            FitColumns::Set(spec) => spec.build(),
            FitColumns::Features(features) => {
                let name = features
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("+");
                FeatureSet::new(name, features.clone())
            }
            FitColumns::FromSelection { dir, mode, set } => {
                let set = set.build()?;
                let path = dir.join("results.csv");
                let bytes = std::fs::read(&path).map_err(|source| Error::Reading {
                    path: path.clone(),
                    source,
                })?;
                let name = self.regressor.to_string();
                best_subset(&bytes, &path.display().to_string(), *mode, &name, &set)
            }
        }
    }
}

/// Where `naap predict` takes the schemes' epochs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurveSource {
    /// Nowhere: only a scheme-only predictor can run.
    None,
    /// Training logs `scheme_{id}.txt`: a folder or a `.tar.gz`.
    Logs(PathBuf),
    /// A dataset CSV (its MaxAccuracy is written beside each prediction).
    Dataset(PathBuf),
}

/// `naap predict`: apply a predictor file to schemes.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictJob {
    /// The predictor file `naap fit` wrote.
    pub predictor: PathBuf,
    /// The schemes file (a JSON list of schemes).
    pub schemes: PathBuf,
    /// The schemes to predict, in this order (`None`: all).
    pub ids: Option<IdList>,
    /// Where the epochs come from.
    pub curves: CurveSource,
    /// Predict the schemes whose curves suffice and list the others,
    /// instead of failing on the first.
    pub skip_incomplete: bool,
}

/// What a [`PredictJob`] did.
#[derive(Debug, Clone)]
pub struct PredictReport {
    /// The regressor's name.
    pub regressor: String,
    /// The feature set's name.
    pub feature_set: String,
    /// How many schemes were predicted.
    pub predicted: usize,
    /// The schemes left out (only with `skip_incomplete`).
    pub skipped: Vec<Skipped>,
}

impl PredictJob {
    /// Reads the predictor, the schemes and their curves, predicts and
    /// writes the predictions CSV to `out`.
    pub fn run(&self, out: &OutputFile) -> Result<PredictReport> {
        let predictor = Predictor::load(&self.predictor)?;
        let schemes = naap_space::read_schemes(&self.schemes)?;
        let ids: Vec<u32> = match &self.ids {
            Some(list) => {
                list.check_within(schemes.len()).map_err(|_| {
                    Error::InvalidInput(format!(
                        "--ids: scheme {} is not in {} ({} schemes)",
                        list.max().map_or(0, u32::from),
                        self.schemes.display(),
                        schemes.len()
                    ))
                })?;
                list.iter().map(u32::from).collect()
            }
            None => (1..=schemes.len() as u32).collect(),
        };
        let logs;
        let dataset;
        let curves = match &self.curves {
            CurveSource::None => Curves::None,
            CurveSource::Logs(path) => {
                logs = naap_dataset::read_logs(path)?;
                Curves::Logs(&logs)
            }
            CurveSource::Dataset(path) => {
                dataset = read_dataset(path)?;
                Curves::Dataset(&dataset)
            }
        };
        let batch = predict_schemes(&predictor, &schemes, &ids, curves, self.skip_incomplete)?;
        out.commit(&predictions_csv(&batch))?;
        Ok(PredictReport {
            regressor: predictor.model().name.clone(),
            feature_set: predictor.feature_set().name().to_owned(),
            predicted: batch.predictions.len(),
            skipped: batch.skipped,
        })
    }
}

pub(super) fn read_dataset(path: &Path) -> Result<Dataset> {
    Dataset::read(path).map_err(|source| Error::Dataset {
        path: path.to_owned(),
        source,
    })
}
