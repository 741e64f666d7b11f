//! The settings of a live search: one strategy of the simulator (its own
//! config type, reused), the budget, the known curves, the resources.

use crate::{Error, Result};
use naap_nas::{Strategy, StudyConfig, StudyValidConfig};
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
    /// A predictor file (`strategy.predictor`) needs none.
    pub known_dataset: Option<String>,
    /// Schemes trained at once (≥ 1).
    pub jobs: usize,
    /// The strategy and its settings: the simulator's config, with exactly
    /// one strategy (and one protocol for predictor / zero-shot). Its
    /// `max_epochs` is the full training of a candidate.
    pub strategy: StudyConfig,
}

/// Checked settings; build with [`SearchConfig::validate`].
#[derive(Debug, Clone)]
pub struct SearchValidConfig {
    config: SearchConfig,
    study: StudyValidConfig,
}

impl SearchConfig {
    /// Checks the budget, the resources and that the strategy settings name
    /// exactly one strategy the simulator would accept.
    pub fn validate(self) -> Result<SearchValidConfig> {
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
        if self.jobs == 0 {
            return Err(Error::Config("jobs must be at least 1, got 0".into()));
        }
        if self.strategy.strategies.len() != 1 {
            return Err(Error::Config(format!(
                "a search runs one strategy, got {}",
                self.strategy.strategies.len()
            )));
        }
        if self.known_dataset.is_some() && self.strategy.predictor.is_some() {
            return Err(Error::Config(
                "a predictor file ranks as fitted: give it or known curves \
                 (--known-dataset), not both"
                    .into(),
            ));
        }
        let study = self.strategy.clone().validate()?;
        // The strategy settings as checked: with a predictor file, its
        // checksum, model and features, so config.toml records them.
        let config = SearchConfig {
            strategy: study.config().clone(),
            ..self
        };
        let valid = SearchValidConfig { config, study };
        let strategy = valid.strategy()?;
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

    /// The strategy settings as the simulator checked them.
    pub fn study(&self) -> &StudyValidConfig {
        &self.study
    }

    /// The strategy, built by the simulator's own config.
    pub fn strategy(&self) -> Result<Box<dyn Strategy>> {
        let mut all = self.study.strategies()?;
        if all.len() != 1 {
            return Err(Error::Config(format!(
                "a search runs one strategy, '{}' expands to {} (give one --known protocol)",
                self.config.strategy.strategies[0],
                all.len()
            )));
        }
        Ok(all.remove(0))
    }

    /// The epochs of a full training.
    pub fn max_epochs(&self) -> u32 {
        self.config.strategy.max_epochs
    }

    /// The seed of every random choice of the strategy.
    pub fn seed(&self) -> u64 {
        self.config.strategy.seed
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
        SearchConfig {
            candidates: "test".into(),
            budget_epochs: None,
            budget_hours: None,
            known_dataset: None,
            jobs: 1,
            strategy: StudyConfig {
                strategies: vec![strategy.into()],
                known: vec![naap_nas::strategy::Known::Online],
                ..StudyConfig::default()
            },
        }
    }

    #[test]
    fn one_strategy_one_budget_and_known_curves_for_fold() {
        assert!(config("successive-halving").validate().is_ok());
        let mut two = config("random");
        two.strategy.strategies.push("hyperband".into());
        assert!(two.validate().unwrap_err().to_string().contains("got 2"));
        let mut both = config("random");
        both.budget_epochs = Some(3);
        both.budget_hours = Some(1.0);
        assert!(both
            .validate()
            .unwrap_err()
            .to_string()
            .contains("one budget"));
        let mut fold = config("predictor");
        fold.strategy.known = vec![naap_nas::strategy::Known::Fold];
        assert!(fold
            .clone()
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--known-dataset"));
        fold.known_dataset = Some("naap440.csv".into());
        assert!(fold.validate().is_ok());
        let mut protocols = config("predictor");
        protocols
            .strategy
            .known
            .push(naap_nas::strategy::Known::Fold);
        assert!(protocols
            .validate()
            .unwrap_err()
            .to_string()
            .contains("expands to 2"));
        let mut hours = config("random");
        hours.budget_hours = Some(-1.0);
        assert!(hours.validate().unwrap_err().to_string().contains("got -1"));
    }
}
