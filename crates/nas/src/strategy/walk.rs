//! What the neighbourhood strategies (regularized evolution, local search,
//! BANANAS, BOHB) share: the space's graph and a [`Walk`] that evaluates
//! schemes one at a time at a fixed fidelity, remembers what it saw and
//! knows when to stop.
//!
//! The graph is over the whole space; a search moves only to neighbours in
//! its pool (a `--pool 100` sub-pool keeps about a quarter of each
//! scheme's neighbours), so a strategy must cope with a scheme whose
//! neighbours are all outside the pool or already seen.

use super::rng;
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::{ModelId, Neighbourhood, SpaceConfig};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The graph of the space config at `path`, or of the NAAP-440 space (the
/// space of the published datasets) when `None`; the latter is built once
/// per process.
pub(crate) fn graph(path: Option<&str>) -> Result<Arc<Neighbourhood>> {
    let bad = |e: naap_space::Error| Error::InvalidConfig(format!("space config: {e}"));
    match path {
        Some(p) => {
            let space = SpaceConfig::from_file(p.as_ref()).map_err(bad)?;
            Ok(Arc::new(
                Neighbourhood::of(&space, naap_space::DEFAULT_MAX_SCHEMES).map_err(bad)?,
            ))
        }
        None => {
            static DEFAULT: OnceLock<Arc<Neighbourhood>> = OnceLock::new();
            if let Some(g) = DEFAULT.get() {
                return Ok(g.clone());
            }
            let space = SpaceConfig::default().validate().map_err(bad)?;
            let g = Arc::new(Neighbourhood::of(&space, 440).map_err(bad)?);
            Ok(DEFAULT.get_or_init(|| g).clone())
        }
    }
}

/// Checks the settings every neighbourhood strategy shares.
pub(crate) fn check_common(name: &str, eval_epochs: u32, evaluations: usize) -> Result<()> {
    if eval_epochs == 0 {
        return Err(Error::InvalidConfig(format!(
            "{name}: eval-epochs must be at least 1, got 0"
        )));
    }
    if evaluations == 0 {
        return Err(Error::InvalidConfig(format!(
            "{name}: evaluations must be at least 1, got 0"
        )));
    }
    Ok(())
}

/// One search's walk over its pool: every scheme evaluated (trained to
/// `epochs`) and the accuracy seen, in order.
pub(crate) struct Walk<'g> {
    graph: &'g Neighbourhood,
    /// Indexed by ModelId position: whether the scheme is in the pool.
    in_pool: Vec<bool>,
    pool: Vec<ModelId>,
    seen: HashMap<ModelId, f64>,
    /// Evaluations asked so far, a scheme seen again included (free).
    pub(crate) count: usize,
    limit: usize,
    epochs: u32,
    pub(crate) rng: ChaCha8Rng,
}

impl<'g> Walk<'g> {
    /// A walk over the meter's pool; an error if a pool scheme is not in
    /// the graph's space or the curves are shorter than `epochs`.
    pub(crate) fn new(
        name: &str,
        meter: &Meter<'_>,
        graph: &'g Neighbourhood,
        epochs: u32,
        limit: usize,
        seed: u64,
    ) -> Result<Walk<'g>> {
        if epochs > meter.max_epochs() {
            return Err(Error::InvalidConfig(format!(
                "{name}: eval-epochs {epochs} is beyond the {} epochs of the curves",
                meter.max_epochs()
            )));
        }
        let pool = meter.ids();
        let mut in_pool = vec![false; graph.len()];
        for &id in &pool {
            if !graph.contains(id) {
                return Err(Error::InvalidInput(format!(
                    "{name}: ModelId {id} is not a scheme of the search space ({} schemes); \
                     give the space config of the dataset",
                    graph.len()
                )));
            }
            in_pool[id.index()] = true;
        }
        Ok(Walk {
            graph,
            in_pool,
            pool,
            seen: HashMap::new(),
            count: 0,
            limit,
            epochs,
            rng: rng(seed),
        })
    }

    /// Whether the walk should stop: its evaluations are used up, or every
    /// scheme of the pool was seen.
    pub(crate) fn done(&self) -> bool {
        self.count >= self.limit || self.seen.len() >= self.pool.len()
    }

    /// Evaluates `id` (one paid step, free if seen before); its accuracy
    /// seen, `None` if its training diverged.
    pub(crate) fn evaluate(&mut self, meter: &mut Meter<'_>, id: ModelId) -> Result<Option<f64>> {
        self.count += 1;
        meter.train(&[(id, self.epochs)])?;
        if meter.alive(&[id]).is_empty() {
            self.seen.insert(id, f64::NEG_INFINITY);
            return Ok(None);
        }
        let acc = meter.best_accuracy(id)?;
        self.seen.insert(id, acc);
        Ok(Some(acc))
    }

    /// The accuracy seen for `id`, if evaluated (−∞ if it diverged).
    pub(crate) fn seen(&self, id: ModelId) -> Option<f64> {
        self.seen.get(&id).copied()
    }

    /// The neighbours of `id` in the pool, ascending.
    pub(crate) fn neighbours(&self, id: ModelId) -> Vec<ModelId> {
        self.graph
            .neighbours(id)
            .filter(|n| self.in_pool[n.index()])
            .collect()
    }

    /// Pool schemes not evaluated yet, ascending.
    pub(crate) fn unseen(&self) -> Vec<ModelId> {
        self.pool
            .iter()
            .copied()
            .filter(|id| !self.seen.contains_key(id))
            .collect()
    }

    /// A pool scheme not evaluated yet, at random; `None` if none is left.
    pub(crate) fn random_unseen(&mut self) -> Option<ModelId> {
        let unseen = self.unseen();
        unseen.choose(&mut self.rng).copied()
    }

    /// One mutation of `parent`: a random pool neighbour not seen yet, else
    /// a random pool neighbour (seen, so free), else — a scheme with no
    /// neighbour in the pool — a random unseen pool scheme.
    pub(crate) fn mutate(&mut self, parent: ModelId) -> Option<ModelId> {
        let near = self.neighbours(parent);
        let fresh: Vec<ModelId> = near
            .iter()
            .copied()
            .filter(|n| !self.seen.contains_key(n))
            .collect();
        if let Some(&n) = fresh.choose(&mut self.rng) {
            return Some(n);
        }
        if let Some(&n) = near.choose(&mut self.rng) {
            return Some(n);
        }
        self.random_unseen()
    }

    /// The best scheme seen (ties: lower ModelId); diverged ones are out.
    pub(crate) fn best(&self) -> Result<ModelId> {
        self.seen
            .iter()
            .filter(|(_, a)| a.is_finite())
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(&id, _)| id)
            .ok_or_else(|| Error::NothingLeft("no evaluated scheme trained to the end".into()))
    }

    /// The best of `ids` by accuracy seen (ties: lower ModelId); each must
    /// have been evaluated.
    pub(crate) fn best_of(&self, ids: &[ModelId]) -> Option<ModelId> {
        ids.iter()
            .filter_map(|&id| self.seen(id).filter(|a| a.is_finite()).map(|a| (id, a)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(id, _)| id)
    }
}
