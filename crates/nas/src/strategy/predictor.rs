//! `predictor`: train every candidate k epochs, rank them by a predictor of
//! MaxAccuracy (fitted by the search on known curves, or a `naap fit` file),
//! train the top m fully (the NAAP way).

use super::ranked::{file_error, model, RankThenTrain};
use super::{BuildEnv, Known, Strategy, StrategyFlags, StrategyParams};
use crate::{Error, Result};
use naap_predict::features::FeatureSet;
use naap_predict::predictor::Predictor;
use serde::{Deserialize, Serialize};

/// The predictor model of a default study (see the README's NAS section
/// for why: fast to fit and a good ranker from 3 epochs).
pub const DEFAULT_MODEL: &str = "Linear Regression";

/// The settings of `predictor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PredictorSpec {
    /// Epochs every candidate is trained before ranking, ≥ 1 (`--k-epochs`). Default 3.
    pub k_epochs: u32,
    /// Schemes trained fully, ≥ 1 (`--top-m`). Default 10.
    pub top_m: usize,
    /// Protocols to run, each its own strategy (`--known`). Default fold, online.
    /// Empty with a predictor file, which needs no known curves.
    pub known: Vec<Known>,
    /// Online protocol: schemes fully trained between refits, ≥ 1
    /// (`--online-batch`). Default 5.
    pub online_batch: usize,
    /// A model name of `naap baseline` / `select-features` (`--model`), or
    /// the predictor file's model. Default `Linear Regression`.
    pub model: String,
    /// A feature set name (`naap fit --features`) reading epochs 1..=k-epochs
    /// at most (`--features`), or the predictor file's. Default:
    /// `Scheme + Quantitative {k} epochs`.
    pub features: Option<String>,
}

impl Default for PredictorSpec {
    fn default() -> Self {
        PredictorSpec {
            k_epochs: 3,
            top_m: 10,
            known: vec![Known::Fold, Known::Online],
            online_batch: 5,
            model: DEFAULT_MODEL.into(),
            features: None,
        }
    }
}

impl StrategyParams for PredictorSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.k_epochs = flags.k_epochs.unwrap_or(self.k_epochs);
        self.top_m = flags.top_m.unwrap_or(self.top_m);
        if let Some(known) = &flags.known {
            self.known = known.clone();
        }
        self.online_batch = flags.online_batch.unwrap_or(self.online_batch);
        if let Some(m) = &flags.model {
            self.model = m.clone();
        }
        if flags.features.is_some() {
            self.features = flags.features.clone();
        }
    }

    fn build(&self, env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        if let Some((path, p)) = env.predictor {
            let s = RankThenTrain::predictor_file(self.k_epochs, self.top_m, p.clone())
                .map_err(file_error(path))?;
            return Ok(vec![Box::new(s)]);
        }
        if self.known.is_empty() {
            return Err(Error::InvalidConfig(
                "known needs at least one protocol (fold, online)".into(),
            ));
        }
        let features = match &self.features {
            Some(name) => super::ranked::feature_set(name)?,
            None => FeatureSet::scheme_quantitative(self.k_epochs),
        };
        let mut out: Vec<Box<dyn Strategy>> = Vec::new();
        for &known in &self.known {
            out.push(Box::new(RankThenTrain::predictor(
                self.k_epochs,
                self.top_m,
                model(&self.model)?,
                features.clone(),
                known,
                self.online_batch,
            )?));
        }
        Ok(out)
    }

    fn epochs_needed(&self) -> u32 {
        self.k_epochs
    }

    fn trains_fully(&self) -> usize {
        self.top_m
    }

    fn use_predictor_file(&mut self, p: &Predictor, path: &str) -> Result<()> {
        let theirs = p.feature_set().name();
        if let Some(f) = self.features.as_ref().filter(|f| *f != theirs) {
            return Err(Error::InvalidConfig(format!(
                "features '{f}' given with the predictor file {path}, whose features \
                 are '{theirs}': a predictor file ranks with its own model and features"
            )));
        }
        // Recorded so that config.toml says what ranked.
        self.model = p.model().name.clone();
        self.features = Some(theirs.to_owned());
        self.known.clear();
        Ok(())
    }
}
