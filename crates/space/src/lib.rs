//! Stage 1 of the naap pipeline: the NAAP-440 search space.
//!
//! Reads a search-space config (TOML or JSON, [`SpaceConfig`]), enumerates
//! the candidate CNN schemes by depth-first search ([`generate`]), and reads
//! and writes scheme files in the published `generated_schemes.json` format
//! ([`read_schemes`], [`to_published_json`]). Start at [`Scheme`].
//!
//! The space and its order follow Hakim, "NAAP-440 Dataset and Baseline for
//! Neural Architecture Accuracy Prediction" (2022),
//! <https://arxiv.org/abs/2209.06626>.
//!
//! ```
//! use naap_space::{generate, SpaceConfig};
//! let space = SpaceConfig::default().validate()?;
//! assert_eq!(generate(&space).len(), 440);
//! # Ok::<(), naap_space::Error>(())
//! ```
#![deny(missing_docs)]

mod config;
mod error;
mod generate;
mod id;
mod neighbours;
mod scheme;
mod schemes_file;

pub use config::{LayerChoices, SpaceConfig, SpaceValidConfig, DEFAULT_CONFIG_TOML};
pub use error::{Error, Result};
pub use generate::{
    count_at_most, generate, generate_at_most, write_generated_json, DEFAULT_MAX_SCHEMES,
};
pub use id::{IdList, ModelId};
pub use neighbours::{Edit, Neighbourhood};
pub use scheme::{Layer, Scheme};
pub use schemes_file::{parse_schemes, read_schemes, to_published_json};
