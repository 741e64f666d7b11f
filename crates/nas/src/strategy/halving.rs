//! Successive halving and Hyperband (Li et al., 2018,
//! <https://jmlr.org/papers/v18/16-558.html>) over training epochs.

use super::{rank_desc, rng, SearchContext, Strategy};
use crate::meter::Meter;
use crate::{Error, Result};
use rand::seq::SliceRandom;

/// The epoch ladder shared by both: rungs at r·eta^i epochs, i = 0..=s,
/// the last one at R = r·eta^s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rungs {
    eta: u32,
    min_epochs: u32,
    max_epochs: u32,
    steps: u32,
}

impl Rungs {
    /// Checks eta ≥ 2, r ≥ 1 and that R is r times a power of eta.
    pub fn new(eta: u32, min_epochs: u32, max_epochs: u32) -> Result<Rungs> {
        if eta < 2 {
            return Err(Error::InvalidConfig(format!(
                "eta must be at least 2, got {eta}"
            )));
        }
        if min_epochs == 0 || max_epochs < min_epochs {
            return Err(Error::InvalidConfig(format!(
                "need 1 <= min-epochs <= max-epochs, got {min_epochs} and {max_epochs}"
            )));
        }
        let mut steps = 0;
        let mut r = u64::from(min_epochs);
        while r < u64::from(max_epochs) {
            r *= u64::from(eta);
            steps += 1;
        }
        if r != u64::from(max_epochs) {
            return Err(Error::InvalidConfig(format!(
                "max-epochs must be min-epochs times a power of eta (R = r*eta^s), \
                 got R={max_epochs}, r={min_epochs}, eta={eta}"
            )));
        }
        Ok(Rungs {
            eta,
            min_epochs,
            max_epochs,
            steps,
        })
    }

    /// The reduction factor eta.
    pub fn eta(&self) -> u32 {
        self.eta
    }

    /// Epochs of the first rung, r.
    pub fn min_epochs(&self) -> u32 {
        self.min_epochs
    }

    /// Epochs of the last rung, R.
    pub fn max_epochs(&self) -> u32 {
        self.max_epochs
    }

    /// s = log_eta(R / r): the number of halvings.
    pub fn steps(&self) -> u32 {
        self.steps
    }
}

/// Runs successive halving over `ids` starting at `first_epochs`, with
/// `halvings` rounds: rung i trains every survivor to first·eta^i epochs,
/// ranks them by test accuracy at that epoch (ties: lower ModelId) and keeps
/// the top floor(n_i / eta), at least one; after the last rung the best wins.
/// Candidates that diverge drop out of their rung; `None` if all did.
fn halve(
    meter: &mut Meter<'_>,
    mut survivors: Vec<u32>,
    first_epochs: u32,
    eta: u32,
    halvings: u32,
) -> Result<Option<u32>> {
    let mut epochs = first_epochs;
    for rung in 0..=halvings {
        meter.train(&survivors.iter().map(|&id| (id, epochs)).collect::<Vec<_>>())?;
        survivors = meter.alive(&survivors);
        if survivors.is_empty() {
            return Ok(None);
        }
        let scored = survivors
            .iter()
            .map(|&id| Ok((id, meter.accuracy_at(id, epochs)?)))
            .collect::<Result<Vec<_>>>()?;
        let ranked = rank_desc(scored)?;
        if rung == halvings {
            return Ok(Some(ranked[0]));
        }
        let keep = (ranked.len() / eta as usize).max(1);
        survivors = ranked[..keep].to_vec();
        epochs *= eta;
    }
    unreachable!("the last rung returns")
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

    fn search(&self, meter: &mut Meter<'_>, _ctx: &SearchContext<'_>) -> Result<u32> {
        check_ladder(meter, &self.rungs)?;
        let ids = meter.ids();
        let n = ids.len();
        halve(
            meter,
            ids,
            self.rungs.min_epochs,
            self.rungs.eta,
            self.rungs.steps,
        )?
        .ok_or_else(|| Error::NothingLeft(format!("all {n} candidates diverged")))
    }
}

fn check_ladder(meter: &Meter<'_>, rungs: &Rungs) -> Result<()> {
    if rungs.max_epochs > meter.max_epochs() {
        return Err(Error::InvalidConfig(format!(
            "max-epochs {} is beyond the {} epochs of the curves",
            rungs.max_epochs,
            meter.max_epochs()
        )));
    }
    Ok(())
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
        let s_max = self.rungs.steps;
        let eta = u64::from(self.rungs.eta);
        (0..=s_max)
            .rev()
            .map(|s| {
                let num = u64::from(s_max + 1) * eta.pow(s);
                let n = num.div_ceil(u64::from(s + 1)) as usize;
                let first = self.rungs.max_epochs / eta.pow(s) as u32;
                (n, first, s)
            })
            .collect()
    }
}

impl Strategy for Hyperband {
    fn name(&self) -> &str {
        "hyperband"
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<u32> {
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
    pub(crate) fn draw(&self, pool: &[u32], seed: u64) -> Vec<Vec<u32>> {
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
    pub(crate) fn run_brackets(&self, meter: &mut Meter<'_>, draws: Vec<Vec<u32>>) -> Result<u32> {
        let mut winners = Vec::new();
        for ((_, first, halvings), picked) in self.brackets().into_iter().zip(draws) {
            // A bracket whose every scheme diverged has no winner.
            winners.extend(halve(meter, picked, first, self.rungs.eta, halvings)?);
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
        let r = self.rungs.max_epochs;
        let scored = winners
            .iter()
            .map(|&id| Ok((id, meter.accuracy_at(id, r)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(rank_desc(scored)?[0])
    }
}
