//! What a predictor predicts for: a scheme's features and, optionally, the
//! first epochs of its training curve.

use crate::features::FeatureSource;
use naap_dataset::{EpochRecord, Row, SchemeFeatures, TrainingLog};

/// One architecture to predict: its scheme features (from the profiler:
/// `Candidate::new(profile)`) and the epochs trained so far, epoch 1 first.
/// A predictor reads only the epochs its features name, so a longer curve
/// is cut at the epochs it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The scheme features (what `naap_profile::profile` returns).
    pub scheme: SchemeFeatures,
    /// Loss mean, loss median and accuracy of epochs 1..=k, as the dataset
    /// CSV records them (losses rounded to 4 decimals).
    pub epochs: Vec<EpochRecord>,
    /// Extra numeric columns by name, for predictors that use them (e.g.
    /// the zero-cost proxies of `naap proxies`).
    pub extra: Vec<(String, f64)>,
}

impl Candidate {
    /// A candidate with no trained epochs, e.g. from a
    /// profile of a new scheme (`naap_profile::profile`).
    pub fn new(scheme: impl Into<SchemeFeatures>) -> Candidate {
        Candidate {
            scheme: scheme.into(),
            epochs: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// The candidate with these trained epochs.
    pub fn with_epochs(self, epochs: Vec<EpochRecord>) -> Candidate {
        Candidate { epochs, ..self }
    }

    /// The candidate with the finished epochs of a training log, converted
    /// exactly as `naap dataset build` converts them, so a prediction from
    /// a log equals the prediction from that scheme's CSV row.
    pub fn with_log(self, log: &TrainingLog) -> Candidate {
        self.with_epochs(log.epochs().iter().map(EpochRecord::from).collect())
    }
}

/// A dataset row as a candidate: its scheme features, every epoch and its
/// extra columns.
impl From<&Row> for Candidate {
    fn from(row: &Row) -> Self {
        Candidate {
            scheme: row.scheme,
            epochs: row.epochs.clone(),
            extra: row.extra.clone(),
        }
    }
}

impl FeatureSource for Candidate {
    fn scheme(&self) -> &SchemeFeatures {
        &self.scheme
    }
    fn epochs(&self) -> &[EpochRecord] {
        &self.epochs
    }
    fn extra(&self) -> &[(String, f64)] {
        &self.extra
    }
}
