//! Settings of a NAAP-440e feature search, unchecked and checked.

use super::search::Flags;
use super::split::Mode;
use crate::features::{FeatureSet, FeatureSetSpec};
use crate::models::RegressorSpec;
use crate::protocol::PAPER_SEEDS;
use crate::{Error, Regressor, Result};
use naap_dataset::Format;
use serde::{Deserialize, Serialize};

/// What to search, as read from flags or a config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SelectConfig {
    /// Split modes to run, in this order. Default: all four.
    pub modes: Vec<Mode>,
    /// Regressors to run (written by their names, as in the outputs).
    /// Default (empty): every extended regressor in interpolation, the
    /// extrapolating ones elsewhere.
    pub models: Vec<RegressorSpec>,
    /// Feature sets by training epochs: 0 = `Scheme8` (all scheme features
    /// alone; `Scheme6` on a v1 dataset), K = `Scheme8+Quant.K` (plus
    /// e1..eK). Default: 0, 3, 6, 9.
    pub epochs: Vec<u32>,
    /// More feature sets (written by name), run after those of `epochs`
    /// (any [`FeatureSetSpec`], e.g. `Scheme8+ZeroCost+Quant.3+Curve`).
    /// Default: none. Left out of a written config when empty, so that
    /// configs of runs without them read as before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub feature_sets: Vec<FeatureSetSpec>,
    /// Seed of the neighbour choice and of the prediction noise. Default 20220905.
    pub seed: u64,
    /// Fitting seeds of the median protocol. Default: the paper's five.
    pub fit_seeds: Vec<u64>,
    /// Standard deviation of the Gaussian noise added to predictions, ≥ 0.
    /// Default 1e-5.
    pub noise_std: f64,
}

impl Default for SelectConfig {
    fn default() -> Self {
        SelectConfig {
            modes: Mode::ALL.to_vec(),
            models: Vec::new(),
            epochs: vec![0, 3, 6, 9],
            feature_sets: Vec::new(),
            seed: PAPER_SEEDS[0],
            fit_seeds: PAPER_SEEDS.to_vec(),
            noise_std: 1e-5,
        }
    }
}

impl SelectConfig {
    /// Checks every field against the model registry.
    pub fn validate(self) -> Result<SelectValidConfig> {
        let bad = |m: String| Err(Error::InvalidInput(m));
        if self.modes.is_empty() {
            return bad("at least one split mode is needed".into());
        }
        if self.epochs.is_empty() && self.feature_sets.is_empty() {
            return bad("at least one feature set is needed".into());
        }
        if let Some(k) = self
            .epochs
            .iter()
            .find(|&&k| k > crate::features::MAX_EPOCHS)
        {
            // Checked before the sets of k epochs are built (3k columns each).
            return bad(format!(
                "--epochs {k} is more than a feature set may read (at most {}; the dataset \
                 decides how many it has)",
                crate::features::MAX_EPOCHS
            ));
        }
        for spec in &self.feature_sets {
            let set = spec.build()?;
            if set.features().len() > Flags::MAX_FEATURES {
                return bad(format!(
                    "feature set '{spec}' has {} features; the search takes at most {}",
                    set.features().len(),
                    Flags::MAX_FEATURES
                ));
            }
        }
        if self.fit_seeds.is_empty() {
            return bad("at least one fitting seed is needed".into());
        }
        if !(self.noise_std.is_finite() && self.noise_std >= 0.0) {
            return bad(format!(
                "noise std must be finite and >= 0, got {}",
                self.noise_std
            ));
        }
        let valid = SelectValidConfig {
            modes: dedup(self.modes),
            models: dedup(self.models),
            epochs: dedup(self.epochs),
            feature_sets: dedup(self.feature_sets),
            seed: self.seed,
            fit_seeds: self.fit_seeds,
            noise_std: self.noise_std,
        };
        // A mode in which none of the asked models may run would finish with
        // exit 0 and no result for it: the combination is a mistake.
        if let Some(mode) = valid
            .modes
            .iter()
            .find(|&&m| valid.models_for(m).is_empty())
        {
            return bad(format!(
                "mode {mode} runs none of the models asked ({}): extrapolation modes \
                 run only models that can extrapolate; drop the mode or add such a model",
                valid
                    .models
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(valid)
    }
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// A checked [`SelectConfig`], duplicates removed.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectValidConfig {
    modes: Vec<Mode>,
    models: Vec<RegressorSpec>,
    epochs: Vec<u32>,
    feature_sets: Vec<FeatureSetSpec>,
    seed: u64,
    fit_seeds: Vec<u64>,
    noise_std: f64,
}

impl SelectValidConfig {
    /// Split modes, in run order.
    pub fn modes(&self) -> &[Mode] {
        &self.modes
    }

    /// The seed of neighbour choices and noise.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Fitting seeds.
    pub fn fit_seeds(&self) -> &[u64] {
        &self.fit_seeds
    }

    /// Prediction noise standard deviation.
    pub fn noise_std(&self) -> f64 {
        self.noise_std
    }

    /// The regressors that run in `mode`, in registry order: the requested
    /// ones (or all), less those that cannot extrapolate in an extrapolation
    /// mode.
    pub fn models_for(&self, mode: Mode) -> Vec<Box<dyn Regressor>> {
        let specs = if self.models.is_empty() {
            RegressorSpec::extended()
        } else {
            RegressorSpec::all()
        };
        specs
            .iter()
            .filter(|s| self.models.is_empty() || self.models.contains(s))
            .map(RegressorSpec::build)
            .filter(|m| !mode.extrapolates() || m.extrapolates())
            .collect()
    }

    /// The feature sets for a dataset of this format, in run order: those
    /// of `epochs`, then the named ones not already among them.
    pub fn feature_sets(&self, format: Format) -> Result<Vec<FeatureSet>> {
        let mut sets = self
            .epochs
            .iter()
            .map(|&k| feature_set(format, k))
            .collect::<Result<Vec<_>>>()?;
        for spec in &self.feature_sets {
            let set = spec.build()?;
            if !sets.iter().any(|s| s.name() == set.name()) {
                sets.push(set);
            }
        }
        Ok(sets)
    }
}

/// The search's feature set of `k` epochs: every scheme feature of the
/// format then e1..ek, named `Scheme8+Quant.k` in v2 (`Scheme8` for k = 0)
/// and `Scheme6...` in v1 (see [`FeatureSet::all_scheme`]).
pub fn feature_set(format: Format, k: u32) -> Result<FeatureSet> {
    FeatureSetSpec::all_scheme(format, k).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_feature_sets_have_8_plus_3k_features() {
        let c = SelectConfig::default().validate().unwrap();
        let sets = c.feature_sets(Format::V2).unwrap();
        let shape: Vec<(&str, usize)> = sets
            .iter()
            .map(|s| (s.name(), s.features().len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("Scheme8", 8),
                ("Scheme8+Quant.3", 17),
                ("Scheme8+Quant.6", 26),
                ("Scheme8+Quant.9", 35)
            ]
        );
    }

    #[test]
    fn named_sets_run_after_the_epoch_sets_once_each() {
        let c = SelectConfig {
            epochs: vec![0, 3],
            feature_sets: [
                "Scheme8+ZeroCost+Quant.3+Curve",
                "Scheme8+Quant.3",
                "Scheme + Curve 3 epochs",
                "Scheme8+ZeroCost+Quant.3+Curve",
            ]
            .map(|n| n.parse().unwrap())
            .to_vec(),
            ..SelectConfig::default()
        }
        .validate()
        .unwrap();
        let names: Vec<String> = c
            .feature_sets(Format::V2)
            .unwrap()
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "Scheme8",
                "Scheme8+Quant.3",
                "Scheme8+ZeroCost+Quant.3+Curve",
                "Scheme + Curve 3 epochs"
            ]
        );
        // Named sets alone are a valid run.
        let alone = SelectConfig {
            epochs: Vec::new(),
            feature_sets: vec!["Scheme8+ZeroCost".parse().unwrap()],
            ..SelectConfig::default()
        }
        .validate()
        .unwrap();
        assert_eq!(alone.feature_sets(Format::V2).unwrap().len(), 1);
        // A malformed name fails where it is read.
        let err = toml::from_str::<SelectConfig>("feature_sets = [\"Scheme9\"]").unwrap_err();
        assert!(
            err.to_string().contains("unknown feature set 'Scheme9'"),
            "{err}"
        );
        let err = SelectConfig {
            feature_sets: vec!["Scheme8+ZeroCost+Quant.12+Curve".parse().unwrap()],
            ..SelectConfig::default()
        }
        .validate()
        .unwrap_err()
        .to_string();
        assert!(err.contains("has 77 features"), "{err}");
        let err = SelectConfig {
            epochs: Vec::new(),
            ..SelectConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(
            err.to_string().contains("at least one feature set"),
            "{err}"
        );
    }

    /// A run without named sets writes the config.toml it wrote before
    /// they existed: no `feature_sets` key.
    #[test]
    fn written_config_lists_named_sets_only_when_there_are_some() {
        let plain = toml::to_string_pretty(&SelectConfig::default()).unwrap();
        assert!(!plain.contains("feature_sets"), "{plain}");
        let named = SelectConfig {
            feature_sets: vec!["Scheme8+ZeroCost".parse().unwrap()],
            ..SelectConfig::default()
        };
        let text = toml::to_string_pretty(&named).unwrap();
        assert!(
            text.contains("feature_sets = [\"Scheme8+ZeroCost\"]"),
            "{text}"
        );
        let back: SelectConfig = toml::from_str(&text).unwrap();
        assert_eq!(back, named);
    }

    #[test]
    fn extrapolation_modes_run_only_extrapolating_models() {
        let c = SelectConfig::default().validate().unwrap();
        let all = c.models_for(Mode::Interpolation);
        let extra = c.models_for(Mode::DualExtrapolation);
        assert_eq!(all.len(), RegressorSpec::extended().len());
        assert!(extra.iter().all(|s| s.extrapolates()));
        assert!(extra.len() < all.len());
        assert!(!extra.iter().any(|s| s.name() == "1-NN"));
    }

    #[test]
    fn model_filter_and_bad_values() {
        let c = SelectConfig {
            models: ["1-NN", "Linear Regression", "1-NN"]
                .map(|m| m.parse().unwrap())
                .to_vec(),
            ..SelectConfig::default()
        }
        .validate()
        .unwrap();
        let names: Vec<String> = c
            .models_for(Mode::Interpolation)
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        assert_eq!(names, ["1-NN", "Linear Regression"]);
        let left: Vec<String> = c
            .models_for(Mode::LeftExtrapolation)
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        assert_eq!(left, ["Linear Regression"]);
        // A name outside the registry fails where it is read.
        let err = toml::from_str::<SelectConfig>("models = [\"2-NN\"]").unwrap_err();
        assert!(err.to_string().contains("unknown model '2-NN'"), "{err}");
        let err = SelectConfig {
            noise_std: -1.0,
            ..SelectConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("-1"), "{err}");
    }
}
