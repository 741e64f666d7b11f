//! The settings of a study: which strategies, on what pool, how often.

use crate::cost::CostKind;
use crate::strategy::{BuildEnv, Strategy, StrategyFlags, StrategySpec};
use crate::{Error, Result};
use naap_predict::predictor::Predictor;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// The most repeats per strategy: each is a search whose row is kept for
/// results.csv, so this bounds the memory a study reserves (100,000 repeats
/// of every strategy is some hundred MB).
pub const MAX_REPEATS: u32 = 100_000;

/// Unchecked study settings, as given on the command line or in
/// `config.toml`; [`StudyConfig::validate`] checks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StudyConfig {
    /// The dataset CSV the curves come from (recorded as an absolute path,
    /// not read here).
    pub dataset: String,
    /// SHA-256 of the dataset's bytes (lowercase hex), recorded by a run; a
    /// replay of this config on a dataset with another checksum is refused
    /// (see `SimulateRequest::allow_changed_inputs`). Default: none
    /// (nothing to compare, as in configs written before it was recorded).
    pub dataset_sha256: Option<String>,
    /// The raw logs used by the `logged` cost model, if any (recorded).
    pub logs: Option<String>,
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
    /// Predictor and zero-shot: a predictor file written by `naap fit`,
    /// which ranks as fitted instead of a model fitted by the search (no
    /// known curves needed; `predictor` needs k-epochs ≥ the epochs its
    /// features read, `zero-shot` a scheme-only predictor). With it,
    /// [`StudyConfig::validate`] records the file's checksum in
    /// `predictor_checksum`, and its model and feature set in those
    /// strategies' settings. Default: none.
    pub predictor: Option<String>,
    /// The checksum of the `predictor` file (`sha256:<hex>`, as the file
    /// records it), filled in by [`StudyConfig::validate`]; a recorded one
    /// that the file no longer matches is refused.
    pub predictor_checksum: Option<String>,
    /// The strategies to run, each with its own settings, in report order
    /// (`[[strategy]]` tables). Default: every strategy with its defaults.
    pub strategy: Vec<StrategySpec>,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            dataset: String::new(),
            dataset_sha256: None,
            logs: None,
            pool: "all".into(),
            repeats: 100,
            seed: 20220819,
            cost: CostKind::Epochs,
            budget: None,
            predictor: None,
            predictor_checksum: None,
            strategy: StrategySpec::all(),
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

/// A predictor file that ranks instead of a model fitted by the search:
/// loaded, checked against a recorded checksum, and described.
#[derive(Debug, Clone)]
pub struct PredictorFile {
    path: String,
    predictor: Arc<Predictor>,
    checksum: String,
}

impl PredictorFile {
    /// Loads `path`; its checksum must be `expected` when given (the one a
    /// config.toml recorded).
    pub fn load(path: &str, expected: Option<&str>) -> Result<PredictorFile> {
        let p =
            Predictor::load(Path::new(path)).map_err(|e| Error::InvalidConfig(e.to_string()))?;
        let checksum = p.checksum()?;
        match expected {
            Some(want) if want != checksum => Err(Error::InvalidConfig(format!(
                "predictor file {path}: its checksum is {checksum}, the settings record {want}: \
                 it is another predictor"
            ))),
            _ => Ok(PredictorFile {
                path: path.to_owned(),
                predictor: Arc::new(p),
                checksum,
            }),
        }
    }

    /// Records in `spec` that this file ranks (its model and features).
    pub fn record_in(&self, spec: &mut StrategySpec) -> Result<()> {
        spec.params_mut()
            .use_predictor_file(&self.predictor, &self.path)
    }

    /// What building a strategy gets: this file.
    pub fn env(&self) -> BuildEnv<'_> {
        BuildEnv {
            predictor: Some((&self.path, &self.predictor)),
        }
    }

    /// The predictor.
    pub fn predictor(&self) -> &Arc<Predictor> {
        &self.predictor
    }

    /// The file's path, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its checksum (`sha256:<hex>`).
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// One line saying what ranks: the path, model, features and checksum.
    pub fn describe(&self) -> String {
        format!(
            "{}: {}, features '{}', {}",
            self.path,
            self.predictor.model().name,
            self.predictor.feature_set().name(),
            self.checksum
        )
    }
}

/// Checked study settings; build with [`StudyConfig::validate`].
#[derive(Debug, Clone)]
pub struct StudyValidConfig {
    config: StudyConfig,
    pool: Pool,
    predictor: Option<PredictorFile>,
}

impl StudyConfig {
    /// Replaces the strategies with the ones `names` names, in that order,
    /// each keeping the settings it has here (from a config file) or else
    /// its defaults; `None`, or a list holding `all`, keeps them all.
    pub fn select(&mut self, names: Option<&[String]>) -> Result<()> {
        let Some(names) = names.filter(|n| !n.is_empty() && !n.iter().any(|n| n == "all")) else {
            return Ok(());
        };
        self.strategy = names
            .iter()
            .map(|n| {
                let spec: StrategySpec = n.parse()?;
                Ok(self
                    .strategy
                    .iter()
                    .find(|s| s.name() == spec.name())
                    .cloned()
                    .unwrap_or(spec))
            })
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// Applies the strategy settings of `flags` to every strategy that reads them.
    pub fn apply(&mut self, flags: &StrategyFlags) {
        self.strategy.iter_mut().for_each(|s| s.apply(flags));
    }

    /// Ranks with the predictor file at `path` (another file than the
    /// recorded one drops the recorded checksum).
    pub fn set_predictor(&mut self, path: &str) {
        if self.predictor.as_deref() != Some(path) {
            self.predictor_checksum = None;
        }
        self.predictor = Some(path.to_owned());
    }

    /// Checks every setting against its documented range.
    pub fn validate(mut self) -> Result<StudyValidConfig> {
        let bad = |m: String| Err(Error::InvalidConfig(m));
        let predictor = match &self.predictor {
            Some(path) => {
                let file = PredictorFile::load(path, self.predictor_checksum.as_deref())?;
                for spec in &mut self.strategy {
                    file.record_in(spec)?;
                }
                self.predictor_checksum = Some(file.checksum().to_owned());
                Some(file)
            }
            None if self.predictor_checksum.is_some() => {
                return bad("predictor_checksum is given without a predictor file".into())
            }
            None => None,
        };
        if self.strategy.is_empty() {
            return bad("no strategy given".into());
        }
        for (i, s) in self.strategy.iter().enumerate() {
            if self.strategy[..i].iter().any(|t| t.name() == s.name()) {
                return bad(format!("strategy '{s}' is given twice"));
            }
        }
        for s in &self.strategy {
            let known = match s {
                StrategySpec::Predictor(p) => &p.known,
                StrategySpec::ZeroShot(z) => &z.known,
                _ => continue,
            };
            // `fold,fold` would run the same protocol twice under one label.
            if let Some(k) = known
                .iter()
                .enumerate()
                .find_map(|(i, k)| known[..i].contains(k).then_some(k))
            {
                return bad(format!(
                    "strategy '{s}': known protocol '{}' is given twice",
                    k.name()
                ));
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
        if self.repeats > MAX_REPEATS {
            return bad(format!(
                "repeats must be at most {MAX_REPEATS}, got {}",
                self.repeats
            ));
        }
        // Before any strategy is built: a K of billions would allocate its
        // feature columns first. The dataset then says how many it has.
        for s in &self.strategy {
            let k = s.params().epochs_needed();
            if k > naap_predict::features::MAX_EPOCHS {
                return bad(format!(
                    "strategy '{s}' trains {k} epochs, more than a study may \
                     (at most {}; the dataset's curves decide how many it has)",
                    naap_predict::features::MAX_EPOCHS
                ));
            }
        }
        if let Some(b) = self.budget {
            if !(b.is_finite() && b > 0.0) {
                return bad(format!("budget must be a positive number, got {b}"));
            }
        }
        let valid = StudyValidConfig {
            config: self,
            pool,
            predictor,
        };
        // Building the strategies checks their own settings and the model name.
        valid.strategies()?;
        Ok(valid)
    }
}

impl StudyValidConfig {
    /// The settings as checked (for `config.toml`): as given, with a
    /// predictor file's checksum, model and features filled in.
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

    /// The most epochs any strategy's settings ask of a scheme.
    pub fn epochs_needed(&self) -> u32 {
        self.config
            .strategy
            .iter()
            .map(|s| s.params().epochs_needed())
            .max()
            .unwrap_or(0)
    }

    /// The predictor file, if one was given.
    pub fn predictor_file(&self) -> Option<&PredictorFile> {
        self.predictor.as_ref()
    }

    /// The predictor file's predictor, if one was given.
    pub fn predictor(&self) -> Option<&Arc<Predictor>> {
        self.predictor.as_ref().map(PredictorFile::predictor)
    }

    /// The strategies, in the order given, each with the settings it was
    /// built from; `predictor` and `zero-shot` become one strategy per
    /// protocol of `known`, or one ranking by the predictor file.
    pub fn built(&self) -> Result<Vec<(&StrategySpec, Box<dyn Strategy>)>> {
        let env = self
            .predictor
            .as_ref()
            .map_or_else(BuildEnv::default, PredictorFile::env);
        let mut out = Vec::new();
        for spec in &self.config.strategy {
            out.extend(spec.build(&env)?.into_iter().map(|s| (spec, s)));
        }
        Ok(out)
    }

    /// The strategies, in the order given (see [`Self::built`]).
    pub fn strategies(&self) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(self.built()?.into_iter().map(|(_, s)| s).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::Known;

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
                "last-accuracy",
                "regularized-evolution",
                "local-search",
                "bananas",
                "bohb",
                "reinforce"
            ]
        );
    }

    /// The default study with `flags` applied to every strategy.
    fn with(flags: StrategyFlags) -> StudyConfig {
        let mut c = StudyConfig::default();
        c.apply(&flags);
        c
    }

    fn named(names: &[&str]) -> StudyConfig {
        let mut c = StudyConfig::default();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        c.select(Some(&names)).unwrap();
        c
    }

    #[test]
    fn out_of_range_settings_are_rejected_with_their_value() {
        let check = |c: StudyConfig, needle: &str| {
            let err = c.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{needle:?} not in {err:?}");
        };
        let d = StudyConfig::default;
        let f = StrategyFlags::default;
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
        check(
            with(StrategyFlags {
                eta: Some(1),
                ..f()
            }),
            "got 1",
        );
        check(
            with(StrategyFlags {
                max_epochs: Some(80),
                ..f()
            }),
            "R=80",
        );
        let err = StudyConfig::default()
            .select(Some(&["bayes".into()]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("'bayes'"), "{err}");
        check(named(&["random", "random"]), "twice");
        check(
            StudyConfig {
                strategy: vec![],
                ..d()
            },
            "no strategy",
        );
        check(
            with(StrategyFlags {
                model: Some("GPT".into()),
                ..f()
            }),
            "'GPT'",
        );
        check(
            with(StrategyFlags {
                top_m: Some(0),
                ..f()
            }),
            "top-m",
        );
        check(
            with(StrategyFlags {
                k_epochs: Some(0),
                ..f()
            }),
            "got 0",
        );
        check(
            with(StrategyFlags {
                random_n: Some(0),
                ..f()
            }),
            "random search",
        );
        check(
            StudyConfig {
                budget: Some(-1.0),
                ..d()
            },
            "got -1",
        );
        check(
            with(StrategyFlags {
                features: Some("Scheme + Quantitative 6 epochs".into()),
                ..f()
            }),
            "read epoch 6, but candidates are trained 3 epochs",
        );
        check(
            with(StrategyFlags {
                zero_shot_features: Some("Scheme6+Quant.1".into()),
                ..f()
            }),
            "zero-shot trains nothing first",
        );
        check(
            with(StrategyFlags {
                features: Some("Schema".into()),
                ..f()
            }),
            "'Schema'",
        );
        check(
            with(StrategyFlags {
                known: Some(vec![]),
                ..f()
            }),
            "known needs at least one protocol",
        );
    }

    #[test]
    fn selecting_strategies_keeps_their_settings_from_the_config() {
        let mut c = with(StrategyFlags {
            random_n: Some(7),
            ..StrategyFlags::default()
        });
        c.select(Some(&["hyperband".into(), "random".into()]))
            .unwrap();
        assert_eq!(
            c.strategy,
            vec![
                "hyperband".parse().unwrap(),
                StrategySpec::Random(crate::strategy::RandomSpec { n: 7 }),
            ]
        );
        // `all` or nothing keeps every strategy as it is.
        let before = c.clone();
        c.select(Some(&["all".into()])).unwrap();
        c.select(None).unwrap();
        assert_eq!(c, before);
    }

    #[test]
    fn config_round_trips_through_toml_and_rejects_unknown_keys() {
        let mut c = with(StrategyFlags {
            k_epochs: Some(4),
            known: Some(vec![Known::Online]),
            ..StrategyFlags::default()
        });
        c.budget = Some(1500.0);
        let text = toml::to_string(&c).unwrap();
        assert_eq!(toml::from_str::<StudyConfig>(&text).unwrap(), c);
        for old_key in ["etaa = 3", "eta = 3", "strategies = [\"random\"]"] {
            let err = toml::from_str::<StudyConfig>(old_key)
                .unwrap_err()
                .to_string();
            let key = old_key.split(' ').next().unwrap();
            assert!(err.contains(key), "{err}");
        }
    }
}

#[cfg(test)]
mod predictor_file_tests {
    use super::*;
    use crate::strategy::tests::table;
    use naap_predict::features::FeatureSet;
    use naap_predict::models::RegressorSpec;

    /// A predictor file fitted on the synthetic table, and its path.
    fn fitted(dir: &Path, name: &str, features: &str) -> String {
        let rows = table();
        let refs: Vec<&naap_dataset::Row> = rows.iter().collect();
        let path = dir.join(name);
        Predictor::fit_rows(
            &refs,
            &*"Linear Regression"
                .parse::<RegressorSpec>()
                .unwrap()
                .build(),
            &FeatureSet::named(features).unwrap(),
            1,
        )
        .unwrap()
        .save(&path)
        .unwrap();
        path.display().to_string()
    }

    fn with(path: &str, strategy: &str, k: u32) -> StudyConfig {
        let mut c = StudyConfig::default();
        c.select(Some(&[strategy.into()])).unwrap();
        c.apply(&StrategyFlags {
            k_epochs: Some(k),
            ..StrategyFlags::default()
        });
        c.set_predictor(path);
        c
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

        let mut c = with(&curve, "predictor", 3);
        c.apply(&StrategyFlags {
            features: Some("Scheme".into()),
            ..StrategyFlags::default()
        });
        let e = err(c);
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
        // Setting the same path again keeps the recorded checksum.
        let mut same = recorded.clone();
        same.set_predictor(&curve);
        assert_eq!(same.predictor_checksum, recorded.predictor_checksum);
        std::fs::copy(&scheme, &curve).unwrap();
        let mut replaced = recorded;
        replaced.select(Some(&["zero-shot".into()])).unwrap();
        let e = err(replaced);
        assert!(e.contains("checksum") && e.contains(&curve), "{e}");

        std::fs::write(&curve, "{\"format\": \"naap-predictor\"").unwrap();
        let e = err(with(&curve, "predictor", 3));
        assert!(e.contains(&curve), "{e}");
    }
}
