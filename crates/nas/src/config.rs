//! The settings of a study: which strategies, on what pool, how often.

use crate::cost::CostKind;
use crate::strategy::{
    Exhaustive, Hyperband, Known, RandomSearch, RankThenTrain, Rungs, Strategy, SuccessiveHalving,
};
use crate::{Error, Result};
use naap_predict::features::FeatureSet;
use naap_predict::models::{spec_named, ModelSpec};
use naap_predict::predictor::Predictor;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

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
    /// Predictor and zero-shot: a predictor file written by `naap fit`,
    /// which ranks as fitted instead of a model fitted by the search (no
    /// known curves needed; `predictor` needs k-epochs ≥ the epochs its
    /// features read, `zero-shot` a scheme-only predictor). With it,
    /// [`StudyConfig::validate`] records the file's model, feature set and
    /// checksum in `model`, `features` and `predictor_checksum`, and clears
    /// `known`. Default: none.
    pub predictor: Option<String>,
    /// The checksum of the `predictor` file (`sha256:<hex>`, as the file
    /// records it), filled in by [`StudyConfig::validate`]; a recorded one
    /// that the file no longer matches is refused.
    pub predictor_checksum: Option<String>,
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
            predictor: None,
            predictor_checksum: None,
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
#[derive(Debug, Clone)]
pub struct StudyValidConfig {
    config: StudyConfig,
    pool: Pool,
    rungs: Rungs,
    predictor: Option<Arc<Predictor>>,
}

impl StudyConfig {
    /// Checks every setting against its documented range.
    pub fn validate(mut self) -> Result<StudyValidConfig> {
        let bad = |m: String| Err(Error::InvalidConfig(m));
        let predictor = match &self.predictor {
            Some(path) => {
                let p = load_predictor(Path::new(path), self.predictor_checksum.as_deref())?;
                if let Some(f) = self
                    .features
                    .as_ref()
                    .filter(|f| *f != p.feature_set().name())
                {
                    return bad(format!(
                        "features '{f}' given with the predictor file {path}, whose features \
                         are '{}': a predictor file ranks with its own model and features",
                        p.feature_set().name()
                    ));
                }
                // Recorded so that config.toml says what ranked.
                self.model = p.model().name.clone();
                self.features = Some(p.feature_set().name().to_owned());
                self.predictor_checksum = Some(p.checksum()?);
                self.known.clear();
                Some(Arc::new(p))
            }
            None if self.predictor_checksum.is_some() => {
                return bad("predictor_checksum is given without a predictor file".into())
            }
            None => None,
        };
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
        if self.known.is_empty() && predictor.is_none() {
            return bad("known needs at least one protocol (fold, online)".into());
        }
        let rungs = Rungs::new(self.eta, self.min_epochs, self.max_epochs)?;
        let valid = StudyValidConfig {
            config: self,
            pool,
            rungs,
            predictor,
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

    /// The predictor file's predictor, if one was given.
    pub fn predictor(&self) -> Option<&Arc<Predictor>> {
        self.predictor.as_ref()
    }

    /// The strategies, in the order given; `predictor` and `zero-shot`
    /// become one strategy per protocol of `known`, or one ranking by the
    /// predictor file.
    pub fn strategies(&self) -> Result<Vec<Box<dyn Strategy>>> {
        let c = &self.config;
        let mut out: Vec<Box<dyn Strategy>> = Vec::new();
        let in_file = |e: Error| match (&c.predictor, e) {
            (Some(path), Error::InvalidConfig(m)) => {
                Error::InvalidConfig(format!("predictor file {path}: {m}"))
            }
            (_, e) => e,
        };
        for name in &c.strategies {
            match (name.as_str(), &self.predictor) {
                ("predictor", Some(p)) => out.push(Box::new(
                    RankThenTrain::predictor_file(c.k_epochs, c.top_m, p.clone())
                        .map_err(in_file)?,
                )),
                ("zero-shot", Some(p)) => out.push(Box::new(
                    RankThenTrain::zero_shot_file(c.top_m, p.clone()).map_err(in_file)?,
                )),
                _ => {}
            }
            match name.as_str() {
                "predictor" | "zero-shot" if self.predictor.is_some() => {}
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

/// Loads a predictor file; its checksum must be `expected` when given (the
/// one a config.toml recorded).
fn load_predictor(path: &Path, expected: Option<&str>) -> Result<Predictor> {
    let p = Predictor::load(path).map_err(|e| Error::InvalidConfig(e.to_string()))?;
    let actual = p.checksum()?;
    match expected {
        Some(want) if want != actual => Err(Error::InvalidConfig(format!(
            "predictor file {}: its checksum is {actual}, the settings record {want}: \
             it is another predictor",
            path.display()
        ))),
        _ => Ok(p),
    }
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

#[cfg(test)]
mod predictor_file_tests {
    use super::*;
    use crate::strategy::tests::table;

    /// A predictor file fitted on the synthetic table, and its path.
    fn fitted(dir: &Path, name: &str, features: &str) -> String {
        let rows = table();
        let refs: Vec<&naap_dataset::Row> = rows.iter().collect();
        let path = dir.join(name);
        Predictor::fit_rows(
            &refs,
            &model("Linear Regression").unwrap(),
            &feature_set(features).unwrap(),
            1,
        )
        .unwrap()
        .save(&path)
        .unwrap();
        path.display().to_string()
    }

    fn with(path: &str, strategy: &str, k: u32) -> StudyConfig {
        StudyConfig {
            strategies: vec![strategy.into()],
            predictor: Some(path.into()),
            k_epochs: k,
            ..StudyConfig::default()
        }
    }

    #[test]
    fn a_predictor_file_is_checked_against_k_the_strategy_and_its_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let curve = fitted(dir.path(), "curve.json", "Scheme + Quantitative 3 epochs");
        let scheme = fitted(dir.path(), "scheme.json", "Scheme");
        let err = |c: StudyConfig| c.validate().unwrap_err().to_string();

        let e = err(with(&curve, "predictor", 2));
        assert!(e.contains(&curve) && e.contains("read epoch 3"), "{e}");
        assert!(e.contains("k-epochs is 2"), "{e}");
        let e = err(with(&curve, "zero-shot", 3));
        assert!(e.contains("scheme-only"), "{e}");
        assert!(with(&scheme, "zero-shot", 3).validate().is_ok());
        assert!(with(&scheme, "predictor", 1).validate().is_ok());

        let e = err(StudyConfig {
            features: Some("Scheme".into()),
            ..with(&curve, "predictor", 3)
        });
        assert!(e.contains("'Scheme' given with the predictor file"), "{e}");

        // The recorded checksum must be the file's: a config.toml naming
        // the path of a predictor since replaced is refused.
        let valid = with(&curve, "predictor", 3).validate().unwrap();
        let recorded = valid.config().clone();
        assert!(recorded
            .predictor_checksum
            .as_deref()
            .is_some_and(|c| c.starts_with("sha256:")));
        assert!(recorded.clone().validate().is_ok());
        std::fs::copy(&scheme, &curve).unwrap();
        let e = err(StudyConfig {
            strategies: vec!["zero-shot".into()],
            ..recorded
        });
        assert!(e.contains("checksum") && e.contains(&curve), "{e}");

        std::fs::write(&curve, "{\"format\": \"naap-predictor\"").unwrap();
        let e = err(with(&curve, "predictor", 3));
        assert!(e.contains(&curve), "{e}");
    }
}
