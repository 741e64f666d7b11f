//! The training recipe as a typed config, with the published NAAP-440 defaults.
//!
//! [`TrainConfig`] is what users write (TOML, all keys optional); `validate`
//! checks every range documented beside its field and returns the
//! [`TrainValidConfig`] that the trainer accepts.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The training recipe: every setting that decides what a scheme learns.
/// A checkpoint stores it (with the scheme and the image counts) and is
/// resumed only under an equal one, so a setting added here is checked on
/// resume without further code. Defaults are the recipe of all 440
/// published logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recipe {
    /// Images per SGD step; the last partial batch is kept. Default 256; range 1..=65536.
    pub batch_size: usize,
    /// Learning rate at the start of each cycle. Default 0.1; range (0, 10].
    pub lr: f64,
    /// Factor applied to the learning rate after every epoch of a cycle. Default 0.1; range (0, 1].
    pub lr_decay: f64,
    /// Epochs per learning-rate cycle; the rate is reset to `lr` after each. Default 3; range 1..=10000.
    pub lr_cycle_epochs: usize,
    /// SGD momentum (PyTorch semantics, no dampening). Default 0.9; range [0, 1).
    pub momentum: f64,
    /// L2 weight decay added to every gradient, as PyTorch's SGD does. Default 1e-4; range [0, 1).
    pub weight_decay: f64,
    /// Seed of the weight init and of the shuffling. Default 20220819.
    pub seed: u64,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe {
            batch_size: 256,
            lr: 0.1,
            lr_decay: 0.1,
            lr_cycle_epochs: 3,
            momentum: 0.9,
            weight_decay: 1e-4,
            seed: 20220819,
        }
    }
}

/// The unchecked training config: the [`Recipe`] and how long and where to
/// run it. Written as one flat TOML table (the recipe's keys beside the
/// others); unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ConfigKeys")]
pub struct TrainConfig {
    /// Training epochs per scheme. Default 90; range 1..=10000.
    pub epochs: usize,
    /// What a scheme learns from (checkpoints must match it).
    #[serde(flatten)]
    pub recipe: Recipe,
    /// Where to train: `auto` (CUDA when present), `cpu`, `cuda` or `cuda:K`. Default `auto`.
    pub device: DeviceChoice,
    /// libtorch threads per concurrent job; 0 lets the run divide the cores. Default 0; range 0..=1024.
    pub threads: usize,
    /// Train on this many images only, spread evenly over the set. Default: all; range ≥ 1.
    pub train_limit: Option<usize>,
    /// Test on this many images only, spread evenly over the set. Default: all; range ≥ 1.
    pub test_limit: Option<usize>,
    /// On a CUDA device, capture each scheme's training step once as a CUDA graph and
    /// replay it (full batches; the last partial batch of an epoch runs eagerly). Needs
    /// naap-train's `cuda-shim` feature. Default false.
    pub cuda_graphs: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 90,
            recipe: Recipe::default(),
            device: DeviceChoice::Auto,
            threads: 0,
            train_limit: None,
            test_limit: None,
            cuda_graphs: false,
        }
    }
}

/// A [`TrainConfig`] as read, with the keys nobody claimed: serde cannot
/// refuse unknown keys of a struct with a flattened field, so this does.
#[derive(Deserialize)]
#[serde(default)]
struct ConfigKeys {
    epochs: usize,
    #[serde(flatten)]
    recipe: Recipe,
    device: DeviceChoice,
    threads: usize,
    train_limit: Option<usize>,
    test_limit: Option<usize>,
    cuda_graphs: bool,
    #[serde(flatten)]
    unknown: std::collections::BTreeMap<String, toml::Value>,
}

impl Default for ConfigKeys {
    fn default() -> Self {
        let TrainConfig {
            epochs,
            recipe,
            device,
            threads,
            train_limit,
            test_limit,
            cuda_graphs,
        } = TrainConfig::default();
        ConfigKeys {
            epochs,
            recipe,
            device,
            threads,
            train_limit,
            test_limit,
            cuda_graphs,
            unknown: Default::default(),
        }
    }
}

impl TryFrom<ConfigKeys> for TrainConfig {
    type Error = String;
    fn try_from(keys: ConfigKeys) -> std::result::Result<TrainConfig, String> {
        if let Some(key) = keys.unknown.keys().next() {
            return Err(format!(
                "unknown field `{key}`, expected one of `epochs`, `batch_size`, `lr`, \
                 `lr_decay`, `lr_cycle_epochs`, `momentum`, `weight_decay`, `seed`, `device`, \
                 `threads`, `train_limit`, `test_limit`, `cuda_graphs`"
            ));
        }
        let ConfigKeys {
            epochs,
            recipe,
            device,
            threads,
            train_limit,
            test_limit,
            cuda_graphs,
            unknown: _,
        } = keys;
        Ok(TrainConfig {
            epochs,
            recipe,
            device,
            threads,
            train_limit,
            test_limit,
            cuda_graphs,
        })
    }
}

/// A device as the user names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// CUDA device 0 when one is present, else the CPU.
    #[default]
    Auto,
    /// The CPU.
    Cpu,
    /// CUDA device K.
    Cuda(usize),
}

impl DeviceChoice {
    /// The libtorch device; `Auto` resolves here, once, so the device used can be logged.
    pub fn resolve(self) -> tch::Device {
        match self {
            DeviceChoice::Auto => tch::Device::cuda_if_available(),
            DeviceChoice::Cpu => tch::Device::Cpu,
            DeviceChoice::Cuda(k) => tch::Device::Cuda(k),
        }
    }
}

impl std::str::FromStr for DeviceChoice {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" => Ok(DeviceChoice::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|k| k.parse().ok())
                .map(DeviceChoice::Cuda)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "device must be auto, cpu, cuda or cuda:K, got {s:?}"
                    ))
                }),
        }
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceChoice::Auto => f.write_str("auto"),
            DeviceChoice::Cpu => f.write_str("cpu"),
            DeviceChoice::Cuda(k) => write!(f, "cuda:{k}"),
        }
    }
}

impl Serialize for DeviceChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeviceChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A checked [`TrainConfig`]; only this type reaches the trainer.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainValidConfig(TrainConfig);

impl TrainConfig {
    /// Checks every field against the range documented beside it.
    pub fn validate(self) -> Result<TrainValidConfig> {
        let bad = |msg: String| Err(Error::Config(msg));
        if !(1..=10_000).contains(&self.epochs) {
            return bad(format!("epochs must be in 1..=10000, got {}", self.epochs));
        }
        if !(1..=65_536).contains(&self.recipe.batch_size) {
            return bad(format!(
                "batch_size must be in 1..=65536, got {}",
                self.recipe.batch_size
            ));
        }
        if !(self.recipe.lr > 0.0 && self.recipe.lr <= 10.0) {
            return bad(format!("lr must be in (0, 10], got {}", self.recipe.lr));
        }
        if !(self.recipe.lr_decay > 0.0 && self.recipe.lr_decay <= 1.0) {
            return bad(format!(
                "lr_decay must be in (0, 1], got {}",
                self.recipe.lr_decay
            ));
        }
        if !(1..=10_000).contains(&self.recipe.lr_cycle_epochs) {
            return bad(format!(
                "lr_cycle_epochs must be in 1..=10000, got {}",
                self.recipe.lr_cycle_epochs
            ));
        }
        if !(0.0..1.0).contains(&self.recipe.momentum) {
            return bad(format!(
                "momentum must be in [0, 1), got {}",
                self.recipe.momentum
            ));
        }
        if !(0.0..1.0).contains(&self.recipe.weight_decay) {
            return bad(format!(
                "weight_decay must be in [0, 1), got {}",
                self.recipe.weight_decay
            ));
        }
        if self.threads > 1024 {
            return bad(format!("threads must be in 0..=1024, got {}", self.threads));
        }
        for (name, limit) in [
            ("train_limit", self.train_limit),
            ("test_limit", self.test_limit),
        ] {
            if limit == Some(0) {
                return bad(format!("{name} must be at least 1, got 0"));
            }
        }
        if self.cuda_graphs && !cfg!(feature = "cuda-shim") {
            return bad(
                "cuda_graphs needs naap-train built with the cuda-shim feature \
                        (naap: --features cuda)"
                    .into(),
            );
        }
        Ok(TrainValidConfig(self))
    }

    /// Reads a TOML config; unknown keys are errors that name the file and the key.
    pub fn from_toml(path: &std::path::Path) -> Result<TrainConfig> {
        // The file is the user's: missing, a folder or not UTF-8 is bad input.
        let text = std::fs::read_to_string(path).map_err(|e| Error::data(path, e.to_string()))?;
        toml::from_str(&text).map_err(|e| Error::data(path, e.to_string().trim_end().to_string()))
    }
}

impl TrainValidConfig {
    /// The checked values.
    pub fn get(&self) -> &TrainConfig {
        &self.0
    }
    /// Training epochs per scheme.
    pub fn epochs(&self) -> usize {
        self.0.epochs
    }
    /// Images per SGD step.
    pub fn batch_size(&self) -> usize {
        self.0.recipe.batch_size
    }
    /// Seed of init and shuffling.
    pub fn seed(&self) -> u64 {
        self.0.recipe.seed
    }
    /// The device as asked for.
    pub fn device(&self) -> DeviceChoice {
        self.0.device
    }
    /// libtorch threads per job (0: divide the cores).
    pub fn threads(&self) -> usize {
        self.0.threads
    }
    /// Whether training steps are replayed from CUDA graphs.
    pub fn cuda_graphs(&self) -> bool {
        self.0.cuda_graphs
    }
    /// The fully resolved config as TOML, for `config.toml` beside the outputs.
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.0).expect("the config always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_published_recipe_and_valid() {
        let c = TrainConfig::default().validate().unwrap();
        assert_eq!((c.epochs(), c.batch_size(), c.seed()), (90, 256, 20220819));
        assert_eq!(c.get().recipe.momentum, 0.9);
        assert_eq!(c.get().recipe.weight_decay, 1e-4);
    }

    #[test]
    fn out_of_range_values_are_named() {
        let err = TrainConfig {
            recipe: Recipe {
                lr: 3e1,
                ..Default::default()
            },
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid config: lr must be in (0, 10], got 30"
        );
        let err = TrainConfig {
            train_limit: Some(0),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("train_limit"));
    }

    #[test]
    fn toml_round_trips_and_rejects_unknown_keys() {
        let c = TrainConfig {
            device: DeviceChoice::Cuda(1),
            test_limit: Some(5),
            ..Default::default()
        };
        let text = c.clone().validate().unwrap().to_toml();
        assert_eq!(toml::from_str::<TrainConfig>(&text).unwrap(), c);
        let err = toml::from_str::<TrainConfig>("epoch = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `epoch`"), "{err}");
        // The recipe's keys sit beside the others, as before the recipe was its own type.
        let c = toml::from_str::<TrainConfig>("epochs = 3\nlr = 0.5\nseed = 7").unwrap();
        assert_eq!((c.epochs, c.recipe.lr, c.recipe.seed), (3, 0.5, 7));
        assert_eq!(c.recipe.batch_size, 256);
        assert!(
            text.starts_with("epochs = 90\nbatch_size = 256\nlr = 0.1\n"),
            "{text}"
        );
    }

    #[test]
    #[cfg(not(feature = "cuda-shim"))]
    fn cuda_graphs_need_the_cuda_shim_feature() {
        let err = TrainConfig {
            cuda_graphs: true,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("cuda-shim feature"), "{err}");
    }

    #[test]
    fn devices_parse() {
        assert_eq!(
            "cuda".parse::<DeviceChoice>().unwrap(),
            DeviceChoice::Cuda(0)
        );
        assert_eq!(
            "cuda:3".parse::<DeviceChoice>().unwrap(),
            DeviceChoice::Cuda(3)
        );
        assert!("gpu".parse::<DeviceChoice>().is_err());
    }
}
