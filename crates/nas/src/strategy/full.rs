//! Strategies that train whole curves: `exhaustive` and `random`.

use super::{best_observed, rng, SearchContext, Strategy};
use crate::meter::Meter;
use crate::{Error, Result};

/// Every scheme of the pool to the full number of epochs: the reference
/// cost, and regret 0 by construction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exhaustive;

impl Strategy for Exhaustive {
    fn name(&self) -> &str {
        "exhaustive"
    }

    fn search(&self, meter: &mut Meter<'_>, _ctx: &SearchContext<'_>) -> Result<u32> {
        let ids = meter.ids();
        let full = meter.max_epochs();
        meter.train(&ids.iter().map(|&id| (id, full)).collect::<Vec<_>>())?;
        best_observed(meter, &ids)
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

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<u32> {
        let pool = meter.ids();
        if self.n > pool.len() {
            return Err(Error::InvalidConfig(format!(
                "random search of {} schemes in a pool of {}",
                self.n,
                pool.len()
            )));
        }
        let mut picked: Vec<u32> = rand::seq::index::sample(&mut rng(ctx.seed), pool.len(), self.n)
            .into_iter()
            .map(|i| pool[i])
            .collect();
        picked.sort_unstable();
        let full = meter.max_epochs();
        meter.train(&picked.iter().map(|&id| (id, full)).collect::<Vec<_>>())?;
        best_observed(meter, &picked)
    }
}
