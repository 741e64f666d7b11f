//! The settings of a study: which strategies, on what pool, how often.

use crate::cost::CostKind;
use crate::strategy::{
    Exhaustive, Hyperband, Known, RandomSearch, RankThenTrain, Rungs, Strategy, SuccessiveHalving,
};
use crate::{Error, Result};
use naap_predict::features::FeatureSet;
use naap_predict::models::{spec_named, ModelSpec};
use serde::{Deserialize, Serialize};

/// Every strategy name, in the order a study reports them.
pub const STRATEGY_NAMES: [&str; 7] = [
    "exhaustive",
    "random",
    "successive-halving",
    "hyperband",
    "predictor",
    "zero-shot",
    "last-accuracy",
];

/// The predictor model of a default study (see the README's NAS section
/// for why: fast to fit and a good ranker from 3 epochs).
pub const DEFAULT_MODEL: &str = "Linear Regression";

/// Unchecked study settings, as given on the command line or in
/// `config.toml`; [`StudyConfig::validate`] checks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StudyConfig {
    /// The dataset CSV the curves come from (recorded, not read here).
    pub dataset: String,
    /// The raw logs used by the `logged` cost model, if any (recorded).
    pub logs: Option<String>,
    /// Strategies to run, names of [`STRATEGY_NAMES`]. Default: all.
    pub strategies: Vec<String>,
    /// `all` (every row, every repeat) or a number N ≥ 2 of rows drawn per
    /// repeat. Default `all`.
    pub pool: String,
    /// Repeats per strategy, ≥ 1. Default 100.
    pub repeats: u32,
    /// Seed of every random choice. Default 20220819 (the paper's seed).
    pub seed: u64,
    /// Cost model. Default `epochs`.
    pub cost: CostKind,
    /// Most a search may spend, in the cost model's unit (> 0); a search
    /// that reaches it stops and answers with its incumbent. Default: none.
    pub budget: Option<f64>,
    /// Successive halving and Hyperband: reduction factor, ≥ 2. Default 3.
    pub eta: u32,
    /// Successive halving and Hyperband: epochs of the first rung r ≥ 1. Default 10.
    pub min_epochs: u32,
    /// Successive halving and Hyperband: epochs of the last rung, R = r·eta^s. Default 90.
    pub max_epochs: u32,
    /// Random search: schemes trained, ≥ 1. Default 20.
    pub random_n: usize,
    /// Predictor and last-accuracy: epochs every candidate is trained, ≥ 1. Default 3.
    pub k_epochs: u32,
    /// Predictor, zero-shot and last-accuracy: schemes trained fully, ≥ 1. Default 10.
    pub top_m: usize,
    /// Predictor and zero-shot: protocols to run, each its own strategy. Default fold, online.
    pub known: Vec<Known>,
    /// Online protocol: schemes fully trained between refits, ≥ 1. Default 5.
    pub online_batch: usize,
    /// Predictor and zero-shot: a model name of `naap baseline` / `select-features`.
    pub model: String,
    /// Predictor: a feature set name (`naap fit --features`) reading epochs
    /// 1..=k-epochs at most. Default: `Scheme + Quantitative {k} epochs`.
    pub features: Option<String>,
    /// Zero-shot: a feature set name reading no epoch. Default `Scheme`.
    pub zero_shot_features: String,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            dataset: String::new(),
            logs: None,
            strategies: STRATEGY_NAMES.iter().map(|s| s.to_string()).collect(),
            pool: "all".into(),
            repeats: 100,
            seed: 20220819,
            cost: CostKind::Epochs,
            budget: None,
            eta: 3,
            min_epochs: 10,
            max_epochs: 90,
            random_n: 20,
            k_epochs: 3,
            top_m: 10,
            known: vec![Known::Fold, Known::Online],
            online_batch: 5,
            model: DEFAULT_MODEL.into(),
            features: None,
            zero_shot_features: "Scheme".into(),
        }
    }
}

/// Which schemes a repeat searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// Every row of the dataset.
    All,
    /// N rows drawn at random per repeat.
    Sample(usize),
}

/// Checked study settings; build with [`StudyConfig::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct StudyValidConfig {
    config: StudyConfig,
    pool: Pool,
    rungs: Rungs,
}

impl StudyConfig {
    /// Checks every setting against its documented range.
    pub fn validate(self) -> Result<StudyValidConfig> {
        let bad = |m: String| Err(Error::InvalidConfig(m));
        if self.strategies.is_empty() {
            return bad("no strategy given".into());
        }
        for (i, s) in self.strategies.iter().enumerate() {
            if !STRATEGY_NAMES.contains(&s.as_str()) {
                return bad(format!(
                    "unknown strategy '{s}', expected one of {}",
                    STRATEGY_NAMES.join(", ")
                ));
            }
            if self.strategies[..i].contains(s) {
                return bad(format!("strategy '{s}' is given twice"));
            }
        }
        let pool = match self.pool.as_str() {
            "all" => Pool::All,
            n => match n.parse::<usize>() {
                Ok(n) if n >= 2 => Pool::Sample(n),
                _ => return bad(format!("pool must be 'all' or a number >= 2, got '{n}'")),
            },
        };
        if self.repeats == 0 {
            return bad("repeats must be at least 1, got 0".into());
        }
        if let Some(b) = self.budget {
            if !(b.is_finite() && b > 0.0) {
                return bad(format!("budget must be a positive number, got {b}"));
            }
        }
        if self.known.is_empty() {
            return bad("known needs at least one protocol (fold, online)".into());
        }
        let rungs = Rungs::new(self.eta, self.min_epochs, self.max_epochs)?;
        let valid = StudyValidConfig {
            config: self,
            pool,
            rungs,
        };
        // Building the strategies checks their own settings and the model name.
        valid.strategies()?;
        Ok(valid)
    }
}

impl StudyValidConfig {
    /// The settings as given (for `config.toml`).
    pub fn config(&self) -> &StudyConfig {
        &self.config
    }

    /// The pool of each repeat.
    pub fn pool(&self) -> Pool {
        self.pool
    }

    /// Repeats per strategy.
    pub fn repeats(&self) -> u32 {
        self.config.repeats
    }

    /// The study seed.
    pub fn seed(&self) -> u64 {
        self.config.seed
    }

    /// The most one search may spend, if capped.
    pub fn budget(&self) -> Option<f64> {
        self.config.budget
    }

    /// The cost model.
    pub fn cost(&self) -> CostKind {
        self.config.cost
    }

    /// The largest number of epochs any strategy trains a scheme.
    pub fn epochs_needed(&self) -> u32 {
        self.rungs.max_epochs().max(self.config.k_epochs)
    }

    /// The strategies, in the order given; `predictor` and `zero-shot`
    /// become one strategy per protocol of `known`.
    pub fn strategies(&self) -> Result<Vec<Box<dyn Strategy>>> {
        let c = &self.config;
        let mut out: Vec<Box<dyn Strategy>> = Vec::new();
        for name in &c.strategies {
            match name.as_str() {
                "exhaustive" => out.push(Box::new(Exhaustive)),
                "random" => out.push(Box::new(RandomSearch::new(c.random_n)?)),
                "successive-halving" => out.push(Box::new(SuccessiveHalving::new(self.rungs))),
                "hyperband" => out.push(Box::new(Hyperband::new(self.rungs))),
                "predictor" => {
                    let features = match &c.features {
                        Some(name) => feature_set(name)?,
                        None => FeatureSet::scheme_quantitative(c.k_epochs),
                    };
                    for &known in &c.known {
                        out.push(Box::new(RankThenTrain::predictor(
                            c.k_epochs,
                            c.top_m,
                            model(&c.model)?,
                            features.clone(),
                            known,
                            c.online_batch,
                        )?));
                    }
                }
                "zero-shot" => {
                    let features = feature_set(&c.zero_shot_features)?;
                    for &known in &c.known {
                        out.push(Box::new(RankThenTrain::zero_shot(
                            c.top_m,
                            model(&c.model)?,
                            features.clone(),
                            known,
                            c.online_batch,
                        )?));
                    }
                }
                "last-accuracy" => {
                    out.push(Box::new(RankThenTrain::last_accuracy(c.k_epochs, c.top_m)?))
                }
                other => unreachable!("validated strategy name {other}"),
            }
        }
        Ok(out)
    }
}

/// The model of the registry with this display name.
fn model(name: &str) -> Result<ModelSpec> {
    spec_named(name).map_err(|e| Error::InvalidConfig(e.to_string()))
}

/// The feature set with this name, as `naap fit` and `naap baseline` name them.
fn feature_set(name: &str) -> Result<FeatureSet> {
    FeatureSet::named(name).map_err(|e| Error::InvalidConfig(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid_and_expands_protocols() {
        let valid = StudyConfig::default().validate().unwrap();
        let names: Vec<String> = valid
            .strategies()
            .unwrap()
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "exhaustive",
                "random",
                "successive-halving",
                "hyperband",
                "predictor-fold",
                "predictor-online",
                "zero-shot-fold",
                "zero-shot-online",
                "last-accuracy"
            ]
        );
    }

    #[test]
    fn out_of_range_settings_are_rejected_with_their_value() {
        let check = |c: StudyConfig, needle: &str| {
            let err = c.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{needle:?} not in {err:?}");
        };
        let d = StudyConfig::default;
        check(
            StudyConfig {
                pool: "1".into(),
                ..d()
            },
            "got '1'",
        );
        check(
            StudyConfig {
                pool: "some".into(),
                ..d()
            },
            "got 'some'",
        );
        check(StudyConfig { repeats: 0, ..d() }, "repeats");
        check(StudyConfig { eta: 1, ..d() }, "got 1");
        check(
            StudyConfig {
                max_epochs: 80,
                ..d()
            },
            "R=80",
        );
        check(
            StudyConfig {
                strategies: vec!["bayes".into()],
                ..d()
            },
            "'bayes'",
        );
        check(
            StudyConfig {
                strategies: vec!["random".into(), "random".into()],
                ..d()
            },
            "twice",
        );
        check(
            StudyConfig {
                model: "GPT".into(),
                ..d()
            },
            "'GPT'",
        );
        check(StudyConfig { top_m: 0, ..d() }, "top-m");
        check(StudyConfig { k_epochs: 0, ..d() }, "got 0");
        check(StudyConfig { random_n: 0, ..d() }, "random search");
        check(
            StudyConfig {
                budget: Some(-1.0),
                ..d()
            },
            "got -1",
        );
        check(
            StudyConfig {
                features: Some("Scheme + Quantitative 6 epochs".into()),
                ..d()
            },
            "read epoch 6, but candidates are trained 3 epochs",
        );
        check(
            StudyConfig {
                zero_shot_features: "Scheme6+Quant.1".into(),
                ..d()
            },
            "zero-shot trains nothing first",
        );
        check(
            StudyConfig {
                features: Some("Schema".into()),
                ..d()
            },
            "'Schema'",
        );
    }

    #[test]
    fn config_round_trips_through_toml_and_rejects_unknown_keys() {
        let c = StudyConfig::default();
        let text = toml::to_string(&c).unwrap();
        assert_eq!(toml::from_str::<StudyConfig>(&text).unwrap(), c);
        let err = toml::from_str::<StudyConfig>("etaa = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("etaa"), "{err}");
    }
}
