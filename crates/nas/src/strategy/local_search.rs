//! `local-search`: hill climbing on the space's neighbourhood (White et
//! al., 2021, <https://arxiv.org/abs/2005.02960>): from the best of `init`
//! random schemes, evaluate every neighbour and move to the best while it
//! improves; at a local optimum, restart from fresh random schemes.

use super::walk::{check_common, graph, Walk};
use super::{BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::{ModelId, Neighbourhood};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The settings of `local-search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LocalSearchSpec {
    /// Random schemes evaluated at each (re)start, the best one the start,
    /// ≥ 1 (`--init`). Default 10, as NASLib.
    pub init: usize,
    /// Epochs each scheme is trained to be evaluated, ≥ 1 (`--eval-epochs`).
    /// Default 12.
    pub eval_epochs: u32,
    /// Schemes evaluated before it stops, ≥ 1 (`--evaluations`), unless
    /// the budget or the pool ends first. Default 100.
    pub evaluations: usize,
    /// The space config whose neighbourhood it climbs (a path); default
    /// the NAAP-440 space.
    pub space: Option<String>,
}

impl Default for LocalSearchSpec {
    fn default() -> Self {
        LocalSearchSpec {
            init: 10,
            eval_epochs: 12,
            evaluations: 100,
            space: None,
        }
    }
}

impl StrategyParams for LocalSearchSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.init = flags.init.unwrap_or(self.init);
        self.eval_epochs = flags.eval_epochs.unwrap_or(self.eval_epochs);
        self.evaluations = flags.evaluations.unwrap_or(self.evaluations);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(LocalSearch::new(
            graph(self.space.as_deref())?,
            self,
        )?)])
    }

    fn epochs_needed(&self) -> u32 {
        self.eval_epochs
    }

    fn trains_fully(&self) -> usize {
        0
    }
}

/// Local search with random restarts over the space's neighbourhood.
#[derive(Debug, Clone)]
pub struct LocalSearch {
    graph: Arc<Neighbourhood>,
    init: usize,
    eval_epochs: u32,
    evaluations: usize,
}

impl LocalSearch {
    /// Local search on `graph` with the checked settings of `spec`.
    pub fn new(graph: Arc<Neighbourhood>, spec: &LocalSearchSpec) -> Result<LocalSearch> {
        check_common("local-search", spec.eval_epochs, spec.evaluations)?;
        if spec.init == 0 {
            return Err(Error::InvalidConfig(
                "local-search needs init of at least 1, got 0".into(),
            ));
        }
        Ok(LocalSearch {
            graph,
            init: spec.init,
            eval_epochs: spec.eval_epochs,
            evaluations: spec.evaluations,
        })
    }
}

impl Strategy for LocalSearch {
    fn name(&self) -> &str {
        "local-search"
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId> {
        let mut walk = Walk::new(
            self.name(),
            meter,
            &self.graph,
            self.eval_epochs,
            self.evaluations,
            ctx.seed,
        )?;
        'restart: while !walk.done() {
            let mut starts = Vec::new();
            while starts.len() < self.init && !walk.done() {
                let Some(id) = walk.random_unseen() else {
                    break;
                };
                walk.evaluate(meter, id)?;
                starts.push(id);
            }
            let Some(mut current) = walk.best_of(&starts) else {
                continue;
            };
            loop {
                for n in walk.neighbours(current) {
                    if walk.done() {
                        break 'restart;
                    }
                    if walk.seen(n).is_none() {
                        walk.evaluate(meter, n)?;
                    }
                }
                let here = walk.seen(current).unwrap_or(f64::NEG_INFINITY);
                match walk.best_of(&walk.neighbours(current)) {
                    Some(next) if walk.seen(next).is_some_and(|a| a > here) => current = next,
                    // A local optimum: restart from fresh random schemes.
                    _ => continue 'restart,
                }
            }
        }
        walk.best()
    }
}
