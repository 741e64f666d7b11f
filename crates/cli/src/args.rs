//! Flags that several commands share, defined once and `#[command(flatten)]`ed.

use crate::{data_dir, exit};
use anyhow::Context;
use naap_dataset::Dataset;
use naap_nas::strategy::Known;
use naap_nas::StrategyFlags;
use std::path::{Path, PathBuf};

/// Where a command's dataset CSV comes from.
#[derive(Debug, clap::Args)]
pub struct DatasetArgs {
    /// Dataset CSV [default: the command's published file in <data dir>/naap440/].
    #[arg(long, value_name = "PATH")]
    pub dataset: Option<PathBuf>,
    /// Data folder for the default dataset [default: $NAAP_DATA_DIR, else ./data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DatasetArgs {
    /// `--dataset`, else the published file `name` in the data folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dataset.clone().unwrap_or_else(|| {
            data_dir::naap440_file(&data_dir::from_env(self.data_dir.as_deref()), name)
        })
    }

    /// Reads the dataset once: its path, its bytes (for fingerprints) and the
    /// validated table. Every failure is the user's input (exit 2) and names
    /// the file.
    pub fn read(&self, name: &str) -> anyhow::Result<(PathBuf, Vec<u8>, Dataset)> {
        let path = self.path(name);
        let context = || format!("reading dataset {}", path.display());
        let bytes = std::fs::read(&path)
            .map_err(exit::usage)
            .with_context(context)?;
        let dataset = Dataset::parse(&bytes, &path)
            .map_err(exit::usage)
            .with_context(context)?;
        Ok((path, bytes, dataset))
    }
}

/// The font of a command's figures.
#[derive(Debug, clap::Args)]
pub struct FontArgs {
    /// TrueType font for figures [default: $NAAP_FONT, else a system font].
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
}

impl FontArgs {
    /// Finds and loads the font, before the long run rather than after it.
    pub fn load(&self) -> anyhow::Result<()> {
        let explicit = self
            .font
            .clone()
            .or_else(|| std::env::var_os("NAAP_FONT").map(PathBuf::from));
        naap_output::figure::load_font(explicit.as_deref().map(Path::new))
            .map(|_| ())
            .map_err(exit::usage)
    }
}

/// Which schemes a command works on: a scheme list and ids in it.
#[derive(Debug, clap::Args)]
pub struct SchemeArgs {
    /// Scheme list (JSON) [default: <data-dir>/naap440/generated_schemes.json]
    #[arg(long, value_name = "FILE")]
    pub schemes: Option<PathBuf>,
    /// Only these schemes (1-based ids in the list), e.g. 1,5,10-20 [default: all]
    #[arg(long, value_name = "IDS")]
    pub ids: Option<naap_space::IdList>,
}

#[cfg(feature = "train")]
impl SchemeArgs {
    /// `--schemes`, else the published list in the data folder.
    pub fn path(&self, data_root: &Path) -> PathBuf {
        self.schemes
            .clone()
            .unwrap_or_else(|| data_dir::naap440_file(data_root, "generated_schemes.json"))
    }
}

/// Where CIFAR-10 comes from.
#[derive(Debug, clap::Args)]
pub struct CifarArgs {
    /// CIFAR-10: binary batches or {train,test}/{class}/ images, folder or .tar.gz
    ///
    /// Default: the first of <data-dir>/cifar10/cifar-10-binary.tar.gz,
    /// <data-dir>/cifar10/cifar-10-batches-bin and
    /// <data-dir>/cifar10/cifar10-jpg.tar.gz that exists.
    #[arg(long, value_name = "PATH", help_heading = "Data")]
    pub data: Option<PathBuf>,
    /// Data folder for the defaults [default: $NAAP_DATA_DIR, else ./data]
    #[arg(long, value_name = "DIR", help_heading = "Data")]
    pub data_dir: Option<PathBuf>,
}

#[cfg(feature = "train")]
impl CifarArgs {
    /// The data folder: `--data-dir`, else `$NAAP_DATA_DIR`, else `./data`.
    pub fn data_root(&self) -> PathBuf {
        data_dir::from_env(self.data_dir.as_deref())
    }

    /// `--data`, else the first CIFAR-10 copy found in the data folder.
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.data {
            return Ok(p.clone());
        }
        let dir = self.data_root().join("cifar10");
        let candidates = [
            "cifar-10-binary.tar.gz",
            "cifar-10-batches-bin",
            "cifar10-jpg.tar.gz",
        ]
        .map(|n| dir.join(n));
        candidates
            .iter()
            .find(|p| p.exists())
            .cloned()
            .ok_or_else(|| {
                exit::usage(anyhow::anyhow!(
                    "no CIFAR-10 found in {} (looked for cifar-10-binary.tar.gz, \
                     cifar-10-batches-bin, cifar10-jpg.tar.gz); pass --data PATH",
                    dir.display()
                ))
            })
    }
}

/// The flags of every command that trains schemes (`naap train`, `naap search`):
/// the data, its slice, and the resources.
#[derive(Debug, clap::Args)]
pub struct TrainingArgs {
    #[command(flatten)]
    pub cifar: CifarArgs,
    /// Train on N images, spread evenly over the set [default: all]
    #[arg(long, value_name = "N", help_heading = "Training")]
    pub train_limit: Option<usize>,
    /// Test on N images, spread evenly over the set [default: all]
    #[arg(long, value_name = "N", help_heading = "Training")]
    pub test_limit: Option<usize>,
    /// Schemes trained at once
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Training")]
    pub jobs: usize,
    /// Device: auto, cpu, cuda or cuda:K [default: auto]
    #[arg(long, value_name = "DEVICE", help_heading = "Training")]
    pub device: Option<String>,
    /// libtorch threads per job [default: cores / jobs]
    #[arg(long, value_name = "N", help_heading = "Training", value_parser = thread_count())]
    pub threads: Option<usize>,
}

/// The strategy flags of `naap nas simulate` and `naap search`: each sets
/// the settings of every strategy that reads it ([`StrategyArgs::flags`]).
#[derive(Debug, clap::Args)]
pub struct StrategyArgs {
    /// Strategies, comma-separated, or `all` (naap search: exactly one):
    /// exhaustive, random, successive-halving, hyperband, predictor, zero-shot, last-accuracy,
    /// regularized-evolution, local-search, bananas, bohb, reinforce.
    #[arg(
        long,
        value_name = "NAME",
        value_delimiter = ',',
        help_heading = "Strategy"
    )]
    pub strategy: Vec<String>,
    /// Seed of every random choice (naap search: the training's too) [default: 20220819].
    #[arg(long, value_name = "N", help_heading = "Strategy", value_parser = seed_parser())]
    pub seed: Option<u64>,
    /// Successive halving / Hyperband: reduction factor [default: 3].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub eta: Option<u32>,
    /// Successive halving / Hyperband: epochs of the first rung r [default: 10].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub min_epochs: Option<u32>,
    /// Epochs of a full training, the last rung R = r*eta^s of successive halving / Hyperband [default: 90].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub max_epochs: Option<u32>,
    /// Random search: schemes fully trained [default: 20].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub random_n: Option<usize>,
    /// Predictor / last-accuracy: epochs every scheme is trained first [default: 3].
    #[arg(long, value_name = "K", help_heading = "Strategy")]
    pub k_epochs: Option<u32>,
    /// Predictor / zero-shot / last-accuracy: schemes fully trained [default: 10].
    #[arg(long, value_name = "M", help_heading = "Strategy")]
    pub top_m: Option<usize>,
    /// Predictor / zero-shot: fit on known curves (fold), on what the search
    /// trains (online), or both [default: nas simulate fold,online; naap search online].
    #[arg(
        long,
        value_name = "PROTOCOL",
        value_delimiter = ',',
        help_heading = "Strategy"
    )]
    pub known: Vec<Known>,
    /// Online protocol: schemes fully trained between refits [default: 5].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub online_batch: Option<usize>,
    /// Model of predictor and zero-shot [default: Linear Regression].
    ///
    /// Any model name that `naap baseline` and `naap select-features` print.
    #[arg(long, value_name = "NAME", help_heading = "Strategy")]
    pub model: Option<String>,
    /// Predictor features, a `naap fit` set reading epochs 1..=K at most [default: Scheme + Quantitative K epochs].
    #[arg(long, value_name = "NAME", help_heading = "Strategy")]
    pub features: Option<String>,
    /// Zero-shot features, a set reading no epoch [default: Scheme].
    #[arg(long, value_name = "NAME", help_heading = "Strategy")]
    pub zero_shot_features: Option<String>,
    /// Predictor / zero-shot: rank with this predictor file (`naap fit`) instead of fitting one.
    ///
    /// The file's model and features rank (strategy label predictor-file,
    /// zero-shot-file); it needs no known curves. The predictor strategy
    /// trains every scheme --k-epochs first (at least the epochs its
    /// features read); zero-shot needs a scheme-only predictor.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["known", "model", "features", "zero_shot_features"],
        help_heading = "Strategy"
    )]
    pub predictor: Option<PathBuf>,
    /// Regularized evolution / local search / BANANAS / BOHB / REINFORCE: epochs each scheme is trained to be evaluated (BOHB: its last rung) [default: 12].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub eval_epochs: Option<u32>,
    /// Regularized evolution / local search / BANANAS / BOHB / REINFORCE: schemes evaluated before stopping, unless the budget or pool ends first [default: 100].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub evaluations: Option<usize>,
    /// Regularized evolution: population size [default: 10].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub population: Option<usize>,
    /// Regularized evolution: members drawn per tournament [default: 3].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub sample: Option<usize>,
    /// Local search / BANANAS: random schemes evaluated at each (re)start [default: 10].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub init: Option<usize>,
    /// BANANAS: members of the bootstrapped surrogate ensemble [default: 5].
    #[arg(long, value_name = "N", help_heading = "Strategy")]
    pub ensemble: Option<usize>,
    /// BANANAS: acquisition, its (independent Thompson sampling) or ucb [default: its].
    #[arg(long, value_name = "NAME", help_heading = "Strategy")]
    pub acquisition: Option<naap_nas::strategy::Acquisition>,
    /// BANANAS: the surrogate's model, a `naap baseline` model name [default: Gradient Boosting (N=25)].
    #[arg(long, value_name = "NAME", help_heading = "Strategy")]
    pub surrogate: Option<String>,
}

impl StrategyArgs {
    /// The settings these flags give to the strategies that read them; the
    /// library applies and checks them.
    pub fn flags(&self) -> StrategyFlags {
        StrategyFlags {
            eta: self.eta,
            min_epochs: self.min_epochs,
            max_epochs: self.max_epochs,
            random_n: self.random_n,
            k_epochs: self.k_epochs,
            top_m: self.top_m,
            known: (!self.known.is_empty()).then(|| self.known.clone()),
            online_batch: self.online_batch,
            model: self.model.clone(),
            features: self.features.clone(),
            zero_shot_features: self.zero_shot_features.clone(),
            eval_epochs: self.eval_epochs,
            evaluations: self.evaluations,
            population: self.population,
            sample: self.sample,
            init: self.init,
            ensemble: self.ensemble,
            acquisition: self.acquisition,
            surrogate: self.surrogate.clone(),
        }
    }
}

/// `--threads`: 1 to 1024 (the training config's limit); leaving the flag out
/// divides the cores, so 0 is not a way to say it.
pub fn thread_count() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024)
}

/// A seed that a run's config.toml can record: TOML integers are signed
/// 64-bit, so a larger seed would fail when the finished run writes its
/// config (exit 1 after the work); refused by the parser instead.
pub fn seed_parser() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(..=i64::MAX as u64)
}
