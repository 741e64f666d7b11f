//! `random`: schemes drawn at random, fully trained one after the other;
//! the best observed wins.

use super::{best_observed, rng, BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::ModelId;
use serde::{Deserialize, Serialize};

/// The settings of `random`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RandomSpec {
    /// Schemes drawn and fully trained, ≥ 1 (`--random-n`). Default 20.
    pub n: usize,
}

impl Default for RandomSpec {
    fn default() -> Self {
        RandomSpec { n: 20 }
    }
}

impl StrategyParams for RandomSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        if let Some(n) = flags.random_n {
            self.n = n;
        }
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(RandomSearch::new(self.n)?)])
    }

    fn trains_fully(&self) -> usize {
        self.n
    }
}

/// `n` schemes drawn at random, fully trained; the best observed wins.
#[derive(Debug, Clone, Copy)]
pub struct RandomSearch {
    n: usize,
}

impl RandomSearch {
    /// Random search over `n` schemes (n ≥ 1).
    pub fn new(n: usize) -> Result<RandomSearch> {
        if n == 0 {
            return Err(Error::InvalidConfig(
                "random search needs at least 1 scheme, got 0".into(),
            ));
        }
        Ok(RandomSearch { n })
    }

    /// How many schemes it trains.
    pub fn n(&self) -> usize {
        self.n
    }
}

impl Strategy for RandomSearch {
    fn name(&self) -> &str {
        "random"
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId> {
        let pool = meter.ids();
        if self.n > pool.len() {
            return Err(Error::InvalidConfig(format!(
                "random search of {} schemes in a pool of {}",
                self.n,
                pool.len()
            )));
        }
        let picked: Vec<ModelId> = rand::seq::index::sample(&mut rng(ctx.seed), pool.len(), self.n)
            .into_iter()
            .map(|i| pool[i])
            .collect();
        // One at a time, in the order drawn, as NATS-Bench's random search:
        // each training is a step of the trajectory, and a budget stops it
        // at the best of those trained so far.
        let full = meter.max_epochs();
        for &id in &picked {
            meter.train(&[(id, full)])?;
        }
        best_observed(meter, &picked)
    }
}
