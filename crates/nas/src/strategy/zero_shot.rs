//! `zero-shot`: rank every candidate before any training, by a predictor on
//! scheme features alone, and train the top m fully.

use super::predictor::DEFAULT_MODEL;
use super::ranked::{feature_set, file_error, model, RankThenTrain};
use super::{BuildEnv, Known, Strategy, StrategyFlags, StrategyParams};
use crate::{Error, Result};
use naap_predict::predictor::Predictor;
use serde::{Deserialize, Serialize};

/// The settings of `zero-shot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ZeroShotSpec {
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
    /// A feature set reading no epoch (`--zero-shot-features`), or the
    /// predictor file's. Default `Scheme`.
    pub features: String,
}

impl Default for ZeroShotSpec {
    fn default() -> Self {
        ZeroShotSpec {
            top_m: 10,
            known: vec![Known::Fold, Known::Online],
            online_batch: 5,
            model: DEFAULT_MODEL.into(),
            features: "Scheme".into(),
        }
    }
}

impl StrategyParams for ZeroShotSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.top_m = flags.top_m.unwrap_or(self.top_m);
        if let Some(known) = &flags.known {
            self.known = known.clone();
        }
        self.online_batch = flags.online_batch.unwrap_or(self.online_batch);
        if let Some(m) = &flags.model {
            self.model = m.clone();
        }
        if let Some(f) = &flags.zero_shot_features {
            self.features = f.clone();
        }
    }

    fn build(&self, env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        if let Some((path, p)) = env.predictor {
            let s =
                RankThenTrain::zero_shot_file(self.top_m, p.clone()).map_err(file_error(path))?;
            return Ok(vec![Box::new(s)]);
        }
        if self.known.is_empty() {
            return Err(Error::InvalidConfig(
                "known needs at least one protocol (fold, online)".into(),
            ));
        }
        let features = feature_set(&self.features)?;
        let mut out: Vec<Box<dyn Strategy>> = Vec::new();
        for &known in &self.known {
            out.push(Box::new(RankThenTrain::zero_shot(
                self.top_m,
                model(&self.model)?,
                features.clone(),
                known,
                self.online_batch,
            )?));
        }
        Ok(out)
    }

    fn trains_fully(&self) -> usize {
        self.top_m
    }

    fn use_predictor_file(&mut self, p: &Predictor, _path: &str) -> Result<()> {
        // Recorded so that config.toml says what ranked.
        self.model = p.model().name.clone();
        self.features = p.feature_set().name().to_owned();
        self.known.clear();
        Ok(())
    }
}
