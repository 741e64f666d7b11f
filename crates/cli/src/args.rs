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
