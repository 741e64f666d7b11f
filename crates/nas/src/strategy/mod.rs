//! Search strategies: each a small type behind the one [`Strategy`] trait,
//! in its own file with its settings type, named once in [`StrategySpec`].
//!
//! A strategy sees only a [`Meter`] (what it has paid for) and a
//! [`SearchContext`] (its seed and any curves it is allowed to know
//! beforehand), and returns the ModelId it would pick. The same code runs on
//! the stored table and on a live trainer. After each training a strategy
//! keeps only the candidates still [`Meter::alive`]: one whose training
//! diverged is never ranked, trained or returned again.

mod bananas;
mod bohb;
mod exhaustive;
mod halving;
mod hyperband;
mod last_accuracy;
mod local_search;
mod predictor;
mod random;
mod ranked;
mod regularized_evolution;
mod reinforce;
mod spec;
mod successive_halving;
mod walk;
mod zero_shot;

pub use bananas::{
    Acquisition, Bananas, BananasSpec, DEFAULT_SURROGATE, DEFAULT_SURROGATE_FEATURES,
};
pub use bohb::{Bohb, BohbSpec};
pub use exhaustive::{Exhaustive, ExhaustiveSpec};
pub use halving::Rungs;
pub use hyperband::{Hyperband, HyperbandSpec};
pub use last_accuracy::LastAccuracySpec;
pub use local_search::{LocalSearch, LocalSearchSpec};
pub use predictor::{PredictorSpec, DEFAULT_MODEL};
pub use random::{RandomSearch, RandomSpec};
pub use ranked::{Known, RankThenTrain, Ranker};
pub use regularized_evolution::{RegularizedEvolution, RegularizedEvolutionSpec};
pub use reinforce::{Reinforce, ReinforceSpec};
pub use spec::{BuildEnv, StrategyFlags, StrategyParams, StrategySpec};
pub use successive_halving::{SuccessiveHalving, SuccessiveHalvingSpec};
pub use zero_shot::ZeroShotSpec;

use crate::meter::Meter;
use crate::{Error, Result};
use naap_dataset::Row;
use naap_space::ModelId;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a search may use besides what it pays for.
#[derive(Debug, Clone, Copy)]
pub struct SearchContext<'a> {
    /// Seed of every random choice of this search.
    pub seed: u64,
    /// Full curves known before the search (the other fold of the
    /// `fold` protocol); empty for strategies that learn nothing in advance.
    pub known: &'a [&'a Row],
}

/// A search strategy.
pub trait Strategy: Send + Sync {
    /// The strategy's label in every output (`successive-halving`, ...).
    fn name(&self) -> &str;

    /// Whether the strategy needs known curves: the study then splits each
    /// pool into two folds and searches each knowing the other.
    fn needs_known(&self) -> bool {
        false
    }

    /// Runs the search, paying through `meter`; returns the chosen ModelId.
    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId>;
}

/// The random stream of a search.
pub(crate) fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// `ids` ordered by descending score, ties by ascending ModelId; an error
/// for a NaN score (a broken predictor must not pick at random).
pub(crate) fn rank_desc(mut scored: Vec<(ModelId, f64)>) -> Result<Vec<ModelId>> {
    if let Some((id, _)) = scored.iter().find(|(_, s)| s.is_nan()) {
        return Err(Error::InvalidInput(format!("score of ModelId {id} is NaN")));
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(scored.into_iter().map(|(id, _)| id).collect())
}

/// Of fully paid schemes, the one with the best observed accuracy over its
/// curve (ties: lower ModelId); diverged ones are out.
pub(crate) fn best_observed(meter: &Meter<'_>, ids: &[ModelId]) -> Result<ModelId> {
    let alive = meter.alive(ids);
    if alive.is_empty() && !ids.is_empty() {
        return Err(Error::NothingLeft(format!(
            "all {} candidate(s) trained to the end diverged",
            ids.len()
        )));
    }
    let scored = alive
        .iter()
        .map(|&id| Ok((id, meter.best_accuracy(id)?)))
        .collect::<Result<Vec<_>>>()?;
    rank_desc(scored)?
        .first()
        .copied()
        .ok_or_else(|| Error::InvalidInput("no scheme was trained".into()))
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod walk_tests;
