//! `successive-halving` over the whole pool (Li et al., 2018,
//! <https://jmlr.org/papers/v18/16-558.html>).

use super::halving::{check_ladder, halve, Rungs};
use super::{BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::ModelId;
use serde::{Deserialize, Serialize};

/// The settings of `successive-halving`: its epoch ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuccessiveHalvingSpec {
    /// Reduction factor, ≥ 2 (`--eta`). Default 3.
    pub eta: u32,
    /// Epochs of the first rung r ≥ 1 (`--min-epochs`). Default 10.
    pub min_epochs: u32,
    /// Epochs of the last rung, R = r·eta^s (`--max-epochs`). Default 90.
    pub max_epochs: u32,
}

impl Default for SuccessiveHalvingSpec {
    fn default() -> Self {
        SuccessiveHalvingSpec {
            eta: 3,
            min_epochs: 10,
            max_epochs: 90,
        }
    }
}

impl SuccessiveHalvingSpec {
    /// The checked ladder.
    pub fn rungs(&self) -> Result<Rungs> {
        Rungs::new(self.eta, self.min_epochs, self.max_epochs)
    }
}

impl StrategyParams for SuccessiveHalvingSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.eta = flags.eta.unwrap_or(self.eta);
        self.min_epochs = flags.min_epochs.unwrap_or(self.min_epochs);
        self.max_epochs = flags.max_epochs.unwrap_or(self.max_epochs);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(SuccessiveHalving::new(self.rungs()?))])
    }

    fn epochs_needed(&self) -> u32 {
        self.max_epochs
    }
}

/// Successive halving over the whole pool.
#[derive(Debug, Clone, Copy)]
pub struct SuccessiveHalving {
    rungs: Rungs,
}

impl SuccessiveHalving {
    /// Successive halving on the given ladder.
    pub fn new(rungs: Rungs) -> SuccessiveHalving {
        SuccessiveHalving { rungs }
    }
}

impl Strategy for SuccessiveHalving {
    fn name(&self) -> &str {
        "successive-halving"
    }

    fn search(&self, meter: &mut Meter<'_>, _ctx: &SearchContext<'_>) -> Result<ModelId> {
        check_ladder(meter, &self.rungs)?;
        let ids = meter.ids();
        let n = ids.len();
        halve(
            meter,
            ids,
            self.rungs.min_epochs(),
            self.rungs.eta(),
            self.rungs.steps(),
        )?
        .ok_or_else(|| Error::NothingLeft(format!("all {n} candidates diverged")))
    }
}
