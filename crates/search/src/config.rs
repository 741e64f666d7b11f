//! The settings of a live search: one strategy of the simulator (its own
//! settings type, reused), the epochs of a full training, the budget, the
//! known curves, the resources.

use crate::{Error, Result};
use naap_nas::strategy::{BuildEnv, Known, StrategyFlags};
use naap_nas::{PredictorFile, Strategy, StrategySpec};
use naap_output::Jobs;
use serde::{Deserialize, Serialize};

/// Unchecked settings of a live search, as given on the command line and
/// recorded in `config.toml`'s `[search]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Where the candidates come from, as given (`space PATH` or `schemes
    /// PATH`, with the ids); recorded, not read here.
    pub candidates: String,
    /// Most scheme-epochs the search may train (> 0). At most one budget.
    pub budget_epochs: Option<u64>,
    /// Most hours of training wall time (> 0); the batch running when it
    /// runs out finishes.
    pub budget_hours: Option<f64>,
    /// Full curves the `fold` protocol fits on (a dataset CSV); recorded.
    /// A predictor file (`predictor`) needs none.
    pub known_dataset: Option<String>,
    /// Schemes trained at once (≥ 1).
    pub jobs: usize,
    /// Epochs of a full training of a candidate (≥ 1); no strategy asks
    /// for more. Default 90.
    pub max_epochs: u32,
    /// Seed of every random choice of the strategy and of the training.
    pub seed: u64,
    /// Predictor and zero-shot: a predictor file written by `naap fit` that
    /// ranks instead of a model fitted by the search; with it,
    /// [`SearchConfig::validate`] records the file's checksum in
    /// `predictor_checksum` and its model and features in the strategy.
    pub predictor: Option<String>,
    /// The checksum of the `predictor` file (`sha256:<hex>`).
    pub predictor_checksum: Option<String>,
    /// The strategy and its settings.
    pub strategy: StrategySpec,
}

impl SearchConfig {
    /// Settings of a search of `strategy` with every default: 90 epochs,
    /// one job, the paper's seed, no budget; a predictor or zero-shot
    /// strategy learns online (a live search knows no curves by default).
    pub fn new(candidates: impl Into<String>, mut strategy: StrategySpec) -> SearchConfig {
        strategy.apply(&StrategyFlags {
            known: Some(vec![Known::Online]),
            ..StrategyFlags::default()
        });
        SearchConfig {
            candidates: candidates.into(),
            budget_epochs: None,
            budget_hours: None,
            known_dataset: None,
            jobs: 1,
            max_epochs: 90,
            seed: 20220819,
            predictor: None,
            predictor_checksum: None,
            strategy,
        }
    }
}

/// Checked settings; build with [`SearchConfig::validate`].
#[derive(Debug, Clone)]
pub struct SearchValidConfig {
    config: SearchConfig,
    jobs: Jobs,
    predictor: Option<PredictorFile>,
}

impl SearchConfig {
    /// Checks the budget, the resources and the strategy's own settings,
    /// which must build exactly one strategy that fits in `max_epochs`.
    pub fn validate(mut self) -> Result<SearchValidConfig> {
        if self.budget_epochs.is_some() && self.budget_hours.is_some() {
            return Err(Error::Config(
                "give one budget: epochs or hours, not both".into(),
            ));
        }
        if self.budget_epochs == Some(0) {
            return Err(Error::Config(
                "budget-epochs must be at least 1, got 0".into(),
            ));
        }
        if let Some(h) = self.budget_hours {
            if !(h.is_finite() && h > 0.0) {
                return Err(Error::Config(format!(
                    "budget-hours must be a positive number, got {h}"
                )));
            }
        }
        let jobs = Jobs::new(self.jobs).map_err(|e| Error::Config(e.to_string()))?;
        if self.max_epochs == 0 {
            return Err(Error::Config(
                "max-epochs (the epochs of a full training) must be at least 1, got 0".into(),
            ));
        }
        if self.known_dataset.is_some() && self.predictor.is_some() {
            return Err(Error::Config(
                "a predictor file ranks as fitted: give it or known curves \
                 (--known-dataset), not both"
                    .into(),
            ));
        }
        let predictor = match &self.predictor {
            Some(path) => {
                let file = PredictorFile::load(path, self.predictor_checksum.as_deref())?;
                // Recorded so that config.toml says what ranks.
                file.record_in(&mut self.strategy)?;
                self.predictor_checksum = Some(file.checksum().to_owned());
                Some(file)
            }
            None if self.predictor_checksum.is_some() => {
                return Err(Error::Config(
                    "predictor_checksum is given without a predictor file".into(),
                ))
            }
            None => None,
        };
        let valid = SearchValidConfig {
            config: self,
            jobs,
            predictor,
        };
        let strategy = valid.strategy()?;
        let needs = valid.config.strategy.params().epochs_needed();
        if needs > valid.config.max_epochs {
            return Err(Error::Config(format!(
                "{} trains up to {needs} epochs but a full training is {} (max-epochs)",
                strategy.name(),
                valid.config.max_epochs
            )));
        }
        if strategy.needs_known() && valid.config.known_dataset.is_none() {
            return Err(Error::Config(format!(
                "{} fits its predictor on known full curves: give a dataset (--known-dataset) \
                 or use --known online",
                strategy.name()
            )));
        }
        Ok(valid)
    }
}

impl SearchValidConfig {
    /// The settings as checked (what `config.toml` records): as given,
    /// with a predictor file's checksum, model and features filled in.
    pub fn get(&self) -> &SearchConfig {
        &self.config
    }

    /// The predictor file, if one was given.
    pub fn predictor_file(&self) -> Option<&PredictorFile> {
        self.predictor.as_ref()
    }

    /// The strategy, built from its settings.
    pub fn strategy(&self) -> Result<Box<dyn Strategy>> {
        let env = self
            .predictor
            .as_ref()
            .map_or_else(BuildEnv::default, PredictorFile::env);
        let mut all = self.config.strategy.build(&env)?;
        if all.len() != 1 {
            return Err(Error::Config(format!(
                "a search runs one strategy, '{}' expands to {} (give one --known protocol)",
                self.config.strategy,
                all.len()
            )));
        }
        Ok(all.remove(0))
    }

    /// The epochs of a full training.
    pub fn max_epochs(&self) -> u32 {
        self.config.max_epochs
    }

    /// Schemes trained at once.
    pub fn jobs(&self) -> Jobs {
        self.jobs
    }

    /// The seed of every random choice of the strategy.
    pub fn seed(&self) -> u64 {
        self.config.seed
    }

    /// The training-time budget in seconds, if any.
    pub fn budget_secs(&self) -> Option<f64> {
        self.config.budget_hours.map(|h| h * 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(strategy: &str) -> SearchConfig {
        SearchConfig::new("test", strategy.parse().unwrap())
    }

    fn known(c: &mut SearchConfig, known: Vec<Known>) {
        c.strategy.apply(&StrategyFlags {
            known: Some(known),
            ..StrategyFlags::default()
        });
    }

    #[test]
    fn one_strategy_one_budget_and_known_curves_for_fold() {
        assert!(config("successive-halving").validate().is_ok());
        let mut both = config("random");
        both.budget_epochs = Some(3);
        both.budget_hours = Some(1.0);
        assert!(both
            .validate()
            .unwrap_err()
            .to_string()
            .contains("one budget"));
        let mut fold = config("predictor");
        known(&mut fold, vec![Known::Fold]);
        assert!(fold
            .clone()
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--known-dataset"));
        fold.known_dataset = Some("naap440.csv".into());
        assert!(fold.validate().is_ok());
        let mut protocols = config("predictor");
        known(&mut protocols, vec![Known::Online, Known::Fold]);
        assert!(protocols
            .validate()
            .unwrap_err()
            .to_string()
            .contains("expands to 2"));
        let mut hours = config("random");
        hours.budget_hours = Some(-1.0);
        assert!(hours.validate().unwrap_err().to_string().contains("got -1"));
        let mut jobs = config("random");
        jobs.jobs = 0;
        let err = jobs.validate().unwrap_err();
        assert!(err.is_bad_input());
        assert_eq!(err.to_string(), "jobs must be at least 1, got 0");
    }

    #[test]
    fn no_strategy_may_ask_more_than_a_full_training() {
        let mut c = config("successive-halving");
        c.max_epochs = 30;
        let err = c.validate().unwrap_err().to_string();
        assert!(
            err.contains("up to 90 epochs but a full training is 30"),
            "{err}"
        );
        let mut c = config("last-accuracy");
        c.max_epochs = 2;
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("last-accuracy trains up to 3 epochs"), "{err}");
        let mut c = config("random");
        c.max_epochs = 0;
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("must be at least 1, got 0"), "{err}");
        let mut c = config("random");
        c.max_epochs = 2;
        assert!(c.validate().is_ok(), "random trains to the full epochs");
    }

    #[test]
    fn settings_round_trip_through_toml_with_the_strategy_tagged() {
        let mut c = config("hyperband");
        c.budget_epochs = Some(500);
        let text = toml::to_string(&c).unwrap();
        assert!(
            text.contains("[strategy]\nname = \"hyperband\"\neta = 3"),
            "{text}"
        );
        assert_eq!(toml::from_str::<SearchConfig>(&text).unwrap(), c);
        let err = toml::from_str::<SearchConfig>(&text.replace("eta = 3", "eta = 3\nn = 2"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`n`"), "{err}");
    }
}
