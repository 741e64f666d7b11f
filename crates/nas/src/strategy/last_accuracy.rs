//! `last-accuracy`: train every candidate k epochs, rank by the accuracy at
//! epoch k (no model), train the top m fully.

use super::ranked::RankThenTrain;
use super::{BuildEnv, Strategy, StrategyFlags, StrategyParams};
use crate::Result;
use serde::{Deserialize, Serialize};

/// The settings of `last-accuracy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LastAccuracySpec {
    /// Epochs every candidate is trained before ranking, ≥ 1 (`--k-epochs`). Default 3.
    pub k_epochs: u32,
    /// Schemes trained fully, ≥ 1 (`--top-m`). Default 10.
    pub top_m: usize,
}

impl Default for LastAccuracySpec {
    fn default() -> Self {
        LastAccuracySpec {
            k_epochs: 3,
            top_m: 10,
        }
    }
}

impl StrategyParams for LastAccuracySpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.k_epochs = flags.k_epochs.unwrap_or(self.k_epochs);
        self.top_m = flags.top_m.unwrap_or(self.top_m);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(RankThenTrain::last_accuracy(
            self.k_epochs,
            self.top_m,
        )?)])
    }

    fn epochs_needed(&self) -> u32 {
        self.k_epochs
    }

    fn trains_fully(&self) -> usize {
        self.top_m
    }
}
