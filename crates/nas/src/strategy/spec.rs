//! [`StrategySpec`]: every strategy a study or a search can run, named once,
//! each variant carrying only its own settings.
//!
//! The names (`FromStr`/`Display`), the tagged serde form (a
//! `[[strategy]]` table of `config.toml` with `name = "..."`), the defaults
//! and the dispatch to each strategy's file all come from the one list in
//! the `strategies!` invocation below. Adding a strategy is one new file
//! (its settings type implementing [`StrategyParams`], and the strategy)
//! plus one line there.

// Every settings type, re-exported by the parent module.
use super::*;
use crate::{Error, Result};
use naap_predict::predictor::Predictor;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Strategy settings given on a command line: each one set is applied to
/// every strategy that reads it ([`StrategyParams::apply`]); the others
/// ignore it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrategyFlags {
    /// Successive halving and Hyperband: reduction factor.
    pub eta: Option<u32>,
    /// Successive halving and Hyperband: epochs of the first rung.
    pub min_epochs: Option<u32>,
    /// Successive halving and Hyperband: epochs of the last rung.
    pub max_epochs: Option<u32>,
    /// Random search: schemes trained.
    pub random_n: Option<usize>,
    /// Predictor and last-accuracy: epochs every candidate is trained first.
    pub k_epochs: Option<u32>,
    /// Predictor, zero-shot and last-accuracy: schemes trained fully.
    pub top_m: Option<usize>,
    /// Predictor and zero-shot: the protocols to run.
    pub known: Option<Vec<Known>>,
    /// Predictor and zero-shot, online protocol: schemes between refits.
    pub online_batch: Option<usize>,
    /// Predictor and zero-shot: the model name.
    pub model: Option<String>,
    /// Predictor: the feature set name.
    pub features: Option<String>,
    /// Zero-shot: the feature set name.
    pub zero_shot_features: Option<String>,
    /// Regularized evolution, local search, BANANAS and BOHB: epochs each
    /// scheme is trained to be evaluated (BOHB: its last rung).
    pub eval_epochs: Option<u32>,
    /// Regularized evolution, local search, BANANAS and BOHB: schemes
    /// evaluated before the search stops.
    pub evaluations: Option<usize>,
    /// Regularized evolution: members of the population.
    pub population: Option<usize>,
    /// Regularized evolution: members drawn for each tournament.
    pub sample: Option<usize>,
    /// Local search and BANANAS: random schemes evaluated first.
    pub init: Option<usize>,
    /// BANANAS: members of the surrogate ensemble.
    pub ensemble: Option<usize>,
    /// BANANAS: the acquisition.
    pub acquisition: Option<Acquisition>,
    /// BANANAS: the surrogate's model name.
    pub surrogate: Option<String>,
}

/// What building a strategy may use besides its own settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildEnv<'a> {
    /// A predictor file (its path, as given) that ranks instead of a model
    /// fitted by the search; only the predictor and zero-shot strategies
    /// read it.
    pub predictor: Option<(&'a str, &'a Arc<Predictor>)>,
}

/// The settings of one strategy: the type each [`StrategySpec`] variant
/// holds, with its defaults (`Default`) and its checks (in `build`).
pub trait StrategyParams {
    /// Sets the fields that `flags` gives and this strategy reads.
    fn apply(&mut self, flags: &StrategyFlags);

    /// Checks the settings and builds the strategy; the predictor and
    /// zero-shot strategies build one per protocol of `known`.
    fn build(&self, env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>>;

    /// The most epochs it asks of a scheme by its settings (0 when it
    /// only trains to the end of the curves).
    fn epochs_needed(&self) -> u32 {
        0
    }

    /// How many schemes it trains fully, at least (checked against the pool).
    fn trains_fully(&self) -> usize {
        1
    }

    /// Records that `predictor` (the file at `path`) ranks instead of a
    /// fitted model: its model and features replace the settings', which
    /// must not contradict them. Strategies that fit no model ignore it.
    fn use_predictor_file(&mut self, _predictor: &Predictor, _path: &str) -> Result<()> {
        Ok(())
    }
}

/// Declares [`StrategySpec`] from one list of `Variant(Settings) = "name"`.
macro_rules! strategies {
    ($($(#[$doc:meta])* $variant:ident($params:ty) = $name:literal,)*) => {
        /// A strategy and its settings, as a study or a search runs it.
        ///
        /// `FromStr` takes a name and gives its default settings; `Display`
        /// gives the name back; serde reads and writes the tagged form
        /// (`name = "random"` beside the settings), refusing unknown names
        /// and keys.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "name")]
        pub enum StrategySpec {
            $($(#[$doc])* #[serde(rename = $name)] $variant($params),)*
        }

        impl StrategySpec {
            /// Every strategy name, in the order a default study reports them.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// Every strategy with its default settings, in [`Self::NAMES`] order.
            pub fn all() -> Vec<StrategySpec> {
                vec![$(StrategySpec::$variant(<$params>::default())),*]
            }

            /// The strategy's name (`successive-halving`, ...).
            pub fn name(&self) -> &'static str {
                match self {
                    $(StrategySpec::$variant(_) => $name,)*
                }
            }

            /// Its settings.
            pub fn params(&self) -> &dyn StrategyParams {
                match self {
                    $(StrategySpec::$variant(p) => p,)*
                }
            }

            /// Its settings, to change.
            pub fn params_mut(&mut self) -> &mut dyn StrategyParams {
                match self {
                    $(StrategySpec::$variant(p) => p,)*
                }
            }
        }
    };
}

strategies! {
    /// Every scheme of the pool to the full epochs.
    Exhaustive(ExhaustiveSpec) = "exhaustive",
    /// Schemes drawn at random, fully trained.
    Random(RandomSpec) = "random",
    /// Successive halving over the pool (Li et al., 2018).
    SuccessiveHalving(SuccessiveHalvingSpec) = "successive-halving",
    /// Hyperband's brackets of successive halving.
    Hyperband(HyperbandSpec) = "hyperband",
    /// Train all k epochs, rank by a predictor, train the top m fully.
    Predictor(PredictorSpec) = "predictor",
    /// Rank by a predictor on scheme features alone, train the top m fully.
    ZeroShot(ZeroShotSpec) = "zero-shot",
    /// Train all k epochs, rank by the accuracy at epoch k, train the top m.
    LastAccuracy(LastAccuracySpec) = "last-accuracy",
    /// Aging evolution over the space's neighbourhood (Real et al., 2019).
    RegularizedEvolution(RegularizedEvolutionSpec) = "regularized-evolution",
    /// Hill climbing over the neighbourhood with random restarts.
    LocalSearch(LocalSearchSpec) = "local-search",
    /// A bootstrapped surrogate ensemble picking mutations (White et al., 2021).
    Bananas(BananasSpec) = "bananas",
    /// Hyperband drawing from a density model of the good schemes (Falkner et al., 2018).
    Bohb(BohbSpec) = "bohb",
    /// A policy-gradient controller over the space's decisions (Williams, 1992).
    Reinforce(ReinforceSpec) = "reinforce",
}

impl StrategySpec {
    /// Sets the settings `flags` gives that this strategy reads.
    pub fn apply(&mut self, flags: &StrategyFlags) {
        self.params_mut().apply(flags);
    }

    /// Checks the settings and builds the strategies (see
    /// [`StrategyParams::build`]).
    pub fn build(&self, env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        self.params().build(env)
    }
}

impl fmt::Display for StrategySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StrategySpec {
    type Err = Error;

    /// The strategy named `name`, with its default settings.
    fn from_str(name: &str) -> Result<StrategySpec> {
        StrategySpec::all()
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                Error::InvalidConfig(format!(
                    "unknown strategy '{name}', expected one of {}",
                    StrategySpec::NAMES.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        strategy: Vec<StrategySpec>,
    }

    #[test]
    fn every_name_parses_to_its_strategy_and_displays_back() {
        for (spec, name) in StrategySpec::all().iter().zip(StrategySpec::NAMES) {
            assert_eq!(spec.to_string(), *name);
            assert_eq!(&name.parse::<StrategySpec>().unwrap(), spec);
        }
        let err = "bayes".parse::<StrategySpec>().unwrap_err().to_string();
        assert!(err.contains("unknown strategy 'bayes'"), "{err}");
        assert!(err.contains(&StrategySpec::NAMES.join(", ")), "{err}");
        assert!("Random".parse::<StrategySpec>().is_err(), "names are exact");
    }

    #[test]
    fn specs_round_trip_through_toml_with_their_own_settings_only() {
        let mut all = StrategySpec::all();
        all.iter_mut().for_each(|s| {
            s.apply(&StrategyFlags {
                eta: Some(2),
                random_n: Some(7),
                top_m: Some(4),
                features: Some("Scheme".into()),
                ..StrategyFlags::default()
            })
        });
        let file = File { strategy: all };
        let text = toml::to_string(&file).unwrap();
        assert_eq!(toml::from_str::<File>(&text).unwrap(), file);
        // Each table holds its strategy's name and settings, nothing else.
        assert!(
            text.contains("[[strategy]]\nname = \"exhaustive\"\n\n"),
            "{text}"
        );
        assert!(text.contains("name = \"random\"\nn = 7\n"), "{text}");
        let random = text.split("[[strategy]]").nth(2).unwrap();
        assert!(
            !random.contains("eta") && !random.contains("top_m"),
            "{random}"
        );
    }

    #[test]
    fn unknown_names_and_keys_are_refused_and_named() {
        let err = |t: &str| toml::from_str::<File>(t).unwrap_err().to_string();
        let e = err("[[strategy]]\nname = \"bayes\"\n");
        assert!(e.contains("bayes"), "{e}");
        let e = err("[[strategy]]\nname = \"random\"\nn = 3\neta = 2\n");
        assert!(e.contains("eta"), "{e}");
        let e = err("[[strategy]]\nname = \"exhaustive\"\nn = 3\n");
        assert!(e.contains("`n`"), "{e}");
        let e = err("[[strategy]]\nn = 3\n");
        assert!(e.contains("name"), "{e}");
        // Settings left out take their defaults.
        let f: File = toml::from_str("[[strategy]]\nname = \"random\"\n").unwrap();
        assert_eq!(f.strategy, vec!["random".parse().unwrap()]);
    }

    #[test]
    fn flags_reach_only_the_strategies_that_read_them() {
        let flags = StrategyFlags {
            eta: Some(2),
            k_epochs: Some(5),
            ..StrategyFlags::default()
        };
        let mut specs = StrategySpec::all();
        specs.iter_mut().for_each(|s| s.apply(&flags));
        for s in &specs {
            match s {
                StrategySpec::SuccessiveHalving(p) => assert_eq!(p.eta, 2),
                StrategySpec::Hyperband(p) => assert_eq!(p.eta, 2),
                StrategySpec::Predictor(p) => assert_eq!(p.k_epochs, 5),
                StrategySpec::LastAccuracy(p) => assert_eq!(p.k_epochs, 5),
                StrategySpec::ZeroShot(p) => assert_eq!(p, &ZeroShotSpec::default()),
                _ => {}
            }
        }
        let mut random: StrategySpec = "random".parse().unwrap();
        random.apply(&flags);
        assert_eq!(random, "random".parse().unwrap());
    }
}
