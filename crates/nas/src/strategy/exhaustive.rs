//! `exhaustive`: every scheme of the pool to the full number of epochs.

use super::{best_observed, BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::Result;
use naap_space::ModelId;
use serde::{Deserialize, Serialize};

/// The settings of `exhaustive`: none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExhaustiveSpec {}

impl StrategyParams for ExhaustiveSpec {
    fn apply(&mut self, _flags: &StrategyFlags) {}

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(Exhaustive)])
    }
}

/// Every scheme of the pool to the full number of epochs: the reference
/// cost, and regret 0 by construction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exhaustive;

impl Strategy for Exhaustive {
    fn name(&self) -> &str {
        "exhaustive"
    }

    fn search(&self, meter: &mut Meter<'_>, _ctx: &SearchContext<'_>) -> Result<ModelId> {
        let ids = meter.ids();
        let full = meter.max_epochs();
        meter.train(&ids.iter().map(|&id| (id, full)).collect::<Vec<_>>())?;
        best_observed(meter, &ids)
    }
}
