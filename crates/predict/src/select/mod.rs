//! NAAP-440e: per-model feature-subset search in four split modes.
//!
//! [`split`] builds the interpolation and extrapolation splits, [`search`]
//! is the best-first search over subsets, generic over how a subset is
//! scored.

pub mod search;
pub mod seed;
pub mod split;

pub use search::{best_first, Evaluated, Flags, SearchConfig};
pub use split::{Mode, Split};
