//! Flags that several commands share, defined once and `#[command(flatten)]`ed.

use crate::{data_dir, exit};
use anyhow::Context;
use naap_dataset::Dataset;
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
        naap_predict::report::figures::load_font(explicit.as_deref().map(Path::new))
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
    pub ids: Option<String>,
}

#[cfg(feature = "train")]
impl SchemeArgs {
    /// `--schemes`, else the published list in the data folder.
    pub fn path(&self, data_root: &Path) -> PathBuf {
        self.schemes
            .clone()
            .unwrap_or_else(|| data_dir::naap440_file(data_root, "generated_schemes.json"))
    }

    /// Reads the list; a missing or malformed list is the user's input (exit 2).
    pub fn read(&self, data_root: &Path) -> anyhow::Result<(PathBuf, Vec<naap_space::Scheme>)> {
        let path = self.path(data_root);
        let schemes = naap_space::read_schemes(&path)
            .map_err(exit::usage)
            .with_context(|| format!("reading schemes {}", path.display()))?;
        Ok((path, schemes))
    }

    /// The `--ids` of a list of `count` schemes, else all of them.
    pub fn ids(&self, count: usize) -> anyhow::Result<Vec<usize>> {
        match &self.ids {
            Some(text) => naap_train::parse_ids(text, count).map_err(exit::usage),
            None => Ok((1..=count).collect()),
        }
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
    #[arg(long, value_name = "N", help_heading = "Training")]
    pub threads: Option<usize>,
}
