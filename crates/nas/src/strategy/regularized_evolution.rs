//! `regularized-evolution`: aging evolution (Real et al., 2019,
//! <https://arxiv.org/abs/1802.01548>), as NATS-Bench runs it: a population
//! of random schemes; each step a tournament of `sample` random members,
//! one mutation of the winner evaluated and added, the oldest member out.

use super::walk::{check_common, graph, Walk};
use super::{BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::{ModelId, Neighbourhood};
use rand::seq::index::sample;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// The settings of `regularized-evolution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegularizedEvolutionSpec {
    /// Members of the population, ≥ 1 (`--population`). Default 10, as NATS-Bench.
    pub population: usize,
    /// Members drawn for each tournament, 1..=population (`--sample`). Default 3.
    pub sample: usize,
    /// Epochs each scheme is trained to be evaluated, ≥ 1 (`--eval-epochs`).
    /// Default 12, as NATS-Bench.
    pub eval_epochs: u32,
    /// Schemes evaluated before it stops, ≥ 1 (`--evaluations`), unless
    /// the budget or the pool ends first. Default 100.
    pub evaluations: usize,
    /// The space config whose neighbourhood mutates (a path); default the
    /// NAAP-440 space.
    pub space: Option<String>,
}

impl Default for RegularizedEvolutionSpec {
    fn default() -> Self {
        RegularizedEvolutionSpec {
            population: 10,
            sample: 3,
            eval_epochs: 12,
            evaluations: 100,
            space: None,
        }
    }
}

impl StrategyParams for RegularizedEvolutionSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.population = flags.population.unwrap_or(self.population);
        self.sample = flags.sample.unwrap_or(self.sample);
        self.eval_epochs = flags.eval_epochs.unwrap_or(self.eval_epochs);
        self.evaluations = flags.evaluations.unwrap_or(self.evaluations);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(RegularizedEvolution::new(
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

/// Regularized (aging) evolution over the space's neighbourhood.
#[derive(Debug, Clone)]
pub struct RegularizedEvolution {
    graph: Arc<Neighbourhood>,
    population: usize,
    sample: usize,
    eval_epochs: u32,
    evaluations: usize,
}

impl RegularizedEvolution {
    /// Evolution on `graph` with the checked settings of `spec`.
    pub fn new(
        graph: Arc<Neighbourhood>,
        spec: &RegularizedEvolutionSpec,
    ) -> Result<RegularizedEvolution> {
        check_common("regularized-evolution", spec.eval_epochs, spec.evaluations)?;
        if spec.population == 0 || spec.sample == 0 || spec.sample > spec.population {
            return Err(Error::InvalidConfig(format!(
                "regularized-evolution needs 1 <= sample <= population, got sample {} \
                 and population {}",
                spec.sample, spec.population
            )));
        }
        Ok(RegularizedEvolution {
            graph,
            population: spec.population,
            sample: spec.sample,
            eval_epochs: spec.eval_epochs,
            evaluations: spec.evaluations,
        })
    }
}

impl Strategy for RegularizedEvolution {
    fn name(&self) -> &str {
        "regularized-evolution"
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
        // The population, oldest first; a diverged scheme never joins it.
        let mut population: VecDeque<ModelId> = VecDeque::new();
        while population.len() < self.population && !walk.done() {
            let Some(id) = walk.random_unseen() else {
                break;
            };
            if walk.evaluate(meter, id)?.is_some() {
                population.push_back(id);
            }
        }
        while !walk.done() && !population.is_empty() {
            let k = self.sample.min(population.len());
            let drawn: Vec<ModelId> = sample(&mut walk.rng, population.len(), k)
                .into_iter()
                .map(|i| population[i])
                .collect();
            let parent = walk
                .best_of(&drawn)
                .expect("population members were evaluated");
            let Some(child) = walk.mutate(parent) else {
                break;
            };
            if walk.evaluate(meter, child)?.is_some() {
                population.push_back(child);
                if population.len() > self.population {
                    population.pop_front();
                }
            }
        }
        walk.best()
    }
}
