//! `hyperband`: brackets of successive halving from randomly drawn schemes
//! (Li et al., 2018, <https://jmlr.org/papers/v18/16-558.html>).

use super::halving::{check_ladder, halve, Rungs};
use super::{rank_desc, rng, BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::ModelId;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// The settings of `hyperband`: its epoch ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HyperbandSpec {
    /// Reduction factor, ≥ 2 (`--eta`). Default 3.
    pub eta: u32,
    /// Epochs of the first rung r ≥ 1 (`--min-epochs`). Default 10.
    pub min_epochs: u32,
    /// Epochs of the last rung, R = r·eta^s (`--max-epochs`). Default 90.
    pub max_epochs: u32,
}

impl Default for HyperbandSpec {
    fn default() -> Self {
        HyperbandSpec {
            eta: 3,
            min_epochs: 10,
            max_epochs: 90,
        }
    }
}

impl HyperbandSpec {
    /// The checked ladder.
    pub fn rungs(&self) -> Result<Rungs> {
        Rungs::new(self.eta, self.min_epochs, self.max_epochs)
    }
}

impl StrategyParams for HyperbandSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.eta = flags.eta.unwrap_or(self.eta);
        self.min_epochs = flags.min_epochs.unwrap_or(self.min_epochs);
        self.max_epochs = flags.max_epochs.unwrap_or(self.max_epochs);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(Hyperband::new(self.rungs()?))])
    }

    fn epochs_needed(&self) -> u32 {
        self.max_epochs
    }
}

/// Hyperband: brackets s = s_max..=0 of successive halving, bracket s
/// starting n_s = ceil((s_max+1)/(s+1) · eta^s) schemes drawn at random at
/// R·eta^-s epochs; the bracket winners (all at R epochs) are ranked by
/// accuracy at R and the best wins.
#[derive(Debug, Clone, Copy)]
pub struct Hyperband {
    rungs: Rungs,
}

impl Hyperband {
    /// Hyperband on the given ladder (s_max = its number of halvings).
    pub fn new(rungs: Rungs) -> Hyperband {
        Hyperband { rungs }
    }

    /// `(n_s, first epochs, halvings)` of each bracket, most exploratory first.
    pub fn brackets(&self) -> Vec<(usize, u32, u32)> {
        let s_max = self.rungs.steps();
        let eta = u64::from(self.rungs.eta());
        (0..=s_max)
            .rev()
            .map(|s| {
                let num = u64::from(s_max + 1) * eta.pow(s);
                let n = num.div_ceil(u64::from(s + 1)) as usize;
                let first = self.rungs.max_epochs() / eta.pow(s) as u32;
                (n, first, s)
            })
            .collect()
    }
}

impl Strategy for Hyperband {
    fn name(&self) -> &str {
        "hyperband"
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId> {
        check_ladder(meter, &self.rungs)?;
        let draws = self.draw(&meter.ids(), ctx.seed);
        self.run_brackets(meter, draws)
    }
}

impl Hyperband {
    /// The schemes each bracket starts with, drawn at random from `pool`.
    ///
    /// Brackets draw from one shuffled order so that they explore different
    /// schemes; a bracket that finds too few left draws afresh (a scheme
    /// drawn twice resumes from where it stopped).
    pub(crate) fn draw(&self, pool: &[ModelId], seed: u64) -> Vec<Vec<ModelId>> {
        let mut rng = rng(seed);
        let mut order = pool.to_vec();
        order.shuffle(&mut rng);
        let mut next = 0;
        self.brackets()
            .into_iter()
            .map(|(n, _, _)| {
                let n = n.min(pool.len());
                let mut picked = if next + n <= order.len() {
                    next += n;
                    order[next - n..next].to_vec()
                } else {
                    let mut fresh = pool.to_vec();
                    fresh.shuffle(&mut rng);
                    fresh.truncate(n);
                    fresh
                };
                picked.sort_unstable();
                picked
            })
            .collect()
    }

    /// Runs each bracket's successive halving on its drawn schemes; the
    /// bracket winners are ranked by accuracy at R (ties: lower ModelId).
    pub(crate) fn run_brackets(
        &self,
        meter: &mut Meter<'_>,
        draws: Vec<Vec<ModelId>>,
    ) -> Result<ModelId> {
        let mut winners = Vec::new();
        for ((_, first, halvings), picked) in self.brackets().into_iter().zip(draws) {
            // A bracket whose every scheme diverged has no winner.
            winners.extend(halve(meter, picked, first, self.rungs.eta(), halvings)?);
        }
        winners.sort_unstable();
        winners.dedup();
        // A winner drawn again by a later bracket may have diverged there.
        let winners = meter.alive(&winners);
        if winners.is_empty() {
            return Err(Error::NothingLeft(
                "every candidate of every bracket diverged".into(),
            ));
        }
        let r = self.rungs.max_epochs();
        let scored = winners
            .iter()
            .map(|&id| Ok((id, meter.accuracy_at(id, r)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(rank_desc(scored)?[0])
    }
}
