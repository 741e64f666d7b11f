//! Stage 1 of the naap pipeline: the NAAP-440 search space.
//!
//! Reads a search-space config (TOML or JSON), enumerates the candidate
//! CNN schemes by depth-first search, and reads and writes scheme files in
//! the published `generated_schemes.json` format. Start at [`Scheme`].
#![deny(missing_docs)]

mod error;
mod scheme;

pub use error::{Error, Result};
pub use scheme::{Layer, Scheme};
