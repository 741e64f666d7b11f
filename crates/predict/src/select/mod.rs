//! NAAP-440e: per-model feature-subset search in four split modes.
//!
//! [`split`] builds the interpolation and extrapolation splits, [`search`]
//! is the best-first search over subsets, generic over how a subset is
//! scored.

pub mod best;
pub mod checkpoint;
pub mod config;
pub mod report;
pub mod run;
pub mod score;
pub mod search;
pub mod seed;
pub mod split;

pub use best::best_subset;
pub use config::{feature_set, SelectConfig, SelectValidConfig};
pub use run::{best_cells, check_plan, run_selection, SearchResult, SelectEvent, SubsetScore};
pub use score::final_score;
pub use search::{best_first, Evaluated, Flags, SearchConfig};
pub use split::{Mode, Split};
