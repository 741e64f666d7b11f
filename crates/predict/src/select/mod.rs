//! NAAP-440e: per-model feature-subset search in four split modes.
//!
//! [`split`] builds the interpolation and extrapolation splits, [`search`]
//! is the best-first search over subsets, generic over how a subset is
//! scored.

pub mod best;
pub mod checkpoint;
pub mod config;
mod growths;
mod job;
pub mod report;
pub mod run;
pub mod score;
pub mod search;
pub mod seed;
pub mod split;

pub use best::best_subset;
pub use config::{feature_set, SelectConfig, SelectValidConfig};
pub use job::{Resume, SelectInputs, SelectJob, SelectReport, CHECKPOINT, FINISHED, OUTPUTS};
pub use run::{best_cells, prepare, run_selection, Plan, SearchResult, SelectEvent, SubsetScore};
pub use score::final_score;
pub use search::{best_first, Evaluated, Flags, SearchConfig};
pub use split::{Mode, Split};

#[cfg(test)]
mod tests {
    /// Issue 12: the feature search shares the report types, not the
    /// baseline's code; `select` must not reach into `baseline`.
    #[test]
    fn select_does_not_depend_on_baseline() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/select");
        // Split so that this file does not match itself.
        let needle = ["crate", "::baseline"].concat();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains(&needle), "{} uses {needle}", path.display());
        }
    }
}
