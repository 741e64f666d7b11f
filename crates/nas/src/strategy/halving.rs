//! What successive halving and Hyperband (Li et al., 2018,
//! <https://jmlr.org/papers/v18/16-558.html>) share: the epoch ladder and
//! one run of halving over it. Each strategy has its own file.

use super::rank_desc;
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::ModelId;

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
pub(crate) fn halve(
    meter: &mut Meter<'_>,
    mut survivors: Vec<ModelId>,
    first_epochs: u32,
    eta: u32,
    halvings: u32,
) -> Result<Option<ModelId>> {
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

/// Refuses a ladder longer than the curves.
pub(crate) fn check_ladder(meter: &Meter<'_>, rungs: &Rungs) -> Result<()> {
    if rungs.max_epochs > meter.max_epochs() {
        return Err(Error::InvalidConfig(format!(
            "max-epochs {} is beyond the {} epochs of the curves",
            rungs.max_epochs,
            meter.max_epochs()
        )));
    }
    Ok(())
}
