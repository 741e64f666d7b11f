//! `reinforce`: a policy-gradient controller (Williams, 1992), as
//! NATS-Bench's REINFORCE baseline: a factorized softmax policy over the
//! space's decisions (the depth, then each layer's kernel size, width,
//! stride and residual flag), one scheme sampled and evaluated per step,
//! the policy moved along (reward − baseline) · ∇ log p, the baseline a
//! moving average of the rewards (momentum 0.9).
//!
//! The policy samples only schemes of the pool: p(s) = π(s) / Σ π(s') over
//! the pool, whose gradient is exact (the pool is small), so invalid or
//! out-of-pool draws never waste a step.

use super::walk::{check_common, Walk};
use super::{rng, BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::{ModelId, Neighbourhood, Scheme, SpaceConfig, SpaceValidConfig};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Momentum of the reward baseline.
const BASELINE_MOMENTUM: f64 = 0.9;

/// The settings of `reinforce`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReinforceSpec {
    /// Step size of the policy's gradient ascent on the logits (> 0).
    /// Default 0.5 (rewards are accuracies in [0, 1]).
    pub learning_rate: f64,
    /// Epochs each scheme is trained to be evaluated, ≥ 1 (`--eval-epochs`).
    /// Default 12.
    pub eval_epochs: u32,
    /// Schemes evaluated before it stops, ≥ 1 (`--evaluations`). Default 100.
    pub evaluations: usize,
    /// The space config whose decisions the policy makes (a path); default
    /// the NAAP-440 space.
    pub space: Option<String>,
}

impl Default for ReinforceSpec {
    fn default() -> Self {
        ReinforceSpec {
            learning_rate: 0.5,
            eval_epochs: 12,
            evaluations: 100,
            space: None,
        }
    }
}

impl StrategyParams for ReinforceSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.eval_epochs = flags.eval_epochs.unwrap_or(self.eval_epochs);
        self.evaluations = flags.evaluations.unwrap_or(self.evaluations);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        let bad = |e: naap_space::Error| Error::InvalidConfig(format!("space config: {e}"));
        let space = match &self.space {
            Some(p) => SpaceConfig::from_file(p.as_ref()).map_err(bad)?,
            None => SpaceConfig::default().validate().map_err(bad)?,
        };
        Ok(vec![Box::new(Reinforce::new(&space, self)?)])
    }

    fn epochs_needed(&self) -> u32 {
        self.eval_epochs
    }

    fn trains_fully(&self) -> usize {
        0
    }
}

/// The policy's decisions for each scheme: `(factor, choice)` pairs.
type Decisions = Vec<(usize, usize)>;

/// REINFORCE over a space's decisions.
#[derive(Debug, Clone)]
pub struct Reinforce {
    graph: Arc<Neighbourhood>,
    /// Per ModelId position, the scheme's decisions.
    decisions: Vec<Decisions>,
    /// Choices of each factor.
    sizes: Vec<usize>,
    learning_rate: f64,
    eval_epochs: u32,
    evaluations: usize,
}

/// The factors of `space` (depth, then 4 per layer position) and each
/// scheme's choice of them.
fn factorize(space: &SpaceValidConfig, schemes: &[Scheme]) -> (Vec<usize>, Vec<Decisions>) {
    let mut sizes = vec![space.max_depth() - space.min_depth() + 1];
    for c in space.layers() {
        sizes.extend([
            c.kernel_sizes.len(),
            c.widths.len(),
            c.strides.len(),
            c.residual.len(),
        ]);
    }
    let index = |v: &[u32], x: u32| v.iter().position(|&y| y == x).unwrap_or(0);
    let decisions = schemes
        .iter()
        .map(|s| {
            let mut d = vec![(0, s.layers.len() - space.min_depth())];
            for (p, (l, c)) in s.layers.iter().zip(space.layers()).enumerate() {
                let base = 1 + 4 * p;
                d.push((base, index(&c.kernel_sizes, l.kernel_size)));
                d.push((base + 1, index(&c.widths, l.width)));
                d.push((base + 2, index(&c.strides, l.stride)));
                let r = c
                    .residual
                    .iter()
                    .position(|&y| y == l.residual)
                    .unwrap_or(0);
                d.push((base + 3, r));
            }
            d
        })
        .collect();
    (sizes, decisions)
}

impl Reinforce {
    /// REINFORCE over the schemes of `space` with the checked settings of `spec`.
    pub fn new(space: &SpaceValidConfig, spec: &ReinforceSpec) -> Result<Reinforce> {
        check_common("reinforce", spec.eval_epochs, spec.evaluations)?;
        if !(spec.learning_rate > 0.0 && spec.learning_rate.is_finite()) {
            return Err(Error::InvalidConfig(format!(
                "reinforce: learning_rate must be a positive number, got {}",
                spec.learning_rate
            )));
        }
        let bad = |e: naap_space::Error| Error::InvalidConfig(format!("space config: {e}"));
        let schemes =
            naap_space::generate_at_most(space, naap_space::DEFAULT_MAX_SCHEMES).map_err(bad)?;
        let graph = Neighbourhood::of_schemes(space, &schemes).map_err(bad)?;
        let (sizes, decisions) = factorize(space, &schemes);
        Ok(Reinforce {
            graph: Arc::new(graph),
            decisions,
            sizes,
            learning_rate: spec.learning_rate,
            eval_epochs: spec.eval_epochs,
            evaluations: spec.evaluations,
        })
    }
}

/// The policy: one logit per choice of each factor.
struct Policy {
    offsets: Vec<usize>,
    logits: Vec<f64>,
}

impl Policy {
    fn new(sizes: &[usize]) -> Policy {
        let mut offsets = Vec::with_capacity(sizes.len());
        let mut n = 0;
        for &s in sizes {
            offsets.push(n);
            n += s;
        }
        Policy {
            offsets,
            logits: vec![0.0; n],
        }
    }

    fn size(&self, f: usize) -> usize {
        self.offsets
            .get(f + 1)
            .copied()
            .unwrap_or(self.logits.len())
            - self.offsets[f]
    }

    /// Per factor, the softmax of its logits.
    fn softmax(&self) -> Vec<Vec<f64>> {
        (0..self.offsets.len())
            .map(|f| {
                let l = &self.logits[self.offsets[f]..self.offsets[f] + self.size(f)];
                let top = l.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = l.iter().map(|x| (x - top).exp()).collect();
                let sum: f64 = e.iter().sum();
                e.into_iter().map(|x| x / sum).collect()
            })
            .collect()
    }

    /// ln π(s), up to nothing: the sum of its choices' log-probabilities.
    fn log_prob(&self, soft: &[Vec<f64>], d: &Decisions) -> f64 {
        d.iter().map(|&(f, c)| soft[f][c].ln()).sum()
    }

    /// ∇ ln π(s) added, times `w`, into `grad`.
    fn add_grad(&self, soft: &[Vec<f64>], d: &Decisions, w: f64, grad: &mut [f64]) {
        for &(f, c) in d {
            let o = self.offsets[f];
            for (k, p) in soft[f].iter().enumerate() {
                grad[o + k] -= w * p;
            }
            grad[o + c] += w;
        }
    }
}

impl Strategy for Reinforce {
    fn name(&self) -> &str {
        "reinforce"
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
        let pool = meter.ids();
        let mut learner = Learner::new(&self.sizes);
        let mut draws = rng(ctx.seed);
        // Every evaluation, seen schemes again included (free), is a step.
        while walk.count < self.evaluations {
            self.step(&mut learner, &pool, &mut draws, |id| {
                walk.evaluate(meter, id)
            })?;
        }
        walk.best()
    }
}

/// The policy and the reward baseline of one search.
struct Learner {
    policy: Policy,
    baseline: Option<f64>,
}

impl Learner {
    fn new(sizes: &[usize]) -> Learner {
        Learner {
            policy: Policy::new(sizes),
            baseline: None,
        }
    }
}

impl Reinforce {
    /// One step: draw a pool scheme from the policy, get its reward (`None`:
    /// diverged, no update) and move the policy; returns the scheme drawn.
    fn step(
        &self,
        learner: &mut Learner,
        pool: &[ModelId],
        rng: &mut impl Rng,
        mut reward: impl FnMut(ModelId) -> Result<Option<f64>>,
    ) -> Result<ModelId> {
        let policy = &mut learner.policy;
        let soft = policy.softmax();
        let logp: Vec<f64> = pool
            .iter()
            .map(|id| policy.log_prob(&soft, &self.decisions[id.index()]))
            .collect();
        let top = logp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let w: Vec<f64> = logp.iter().map(|l| (l - top).exp()).collect();
        let total: f64 = w.iter().sum();
        let mut u = rng.gen::<f64>() * total;
        let mut pick = pool.len() - 1;
        for (i, wi) in w.iter().enumerate() {
            if u < *wi {
                pick = i;
                break;
            }
            u -= wi;
        }
        let id = pool[pick];
        let Some(reward) = reward(id)? else {
            return Ok(id);
        };
        let b = *learner.baseline.get_or_insert(reward);
        let advantage = reward - b;
        learner.baseline = Some(BASELINE_MOMENTUM * b + (1.0 - BASELINE_MOMENTUM) * reward);
        // ∇ ln p(s) over the pool: ∇ ln π(s) − E_p[∇ ln π].
        let mut grad = vec![0.0; policy.logits.len()];
        policy.add_grad(&soft, &self.decisions[id.index()], 1.0, &mut grad);
        for (other, wi) in pool.iter().zip(&w) {
            policy.add_grad(
                &soft,
                &self.decisions[other.index()],
                -wi / total,
                &mut grad,
            );
        }
        for (l, g) in policy.logits.iter_mut().zip(grad) {
            *l += self.learning_rate * advantage * g;
        }
        Ok(id)
    }

    /// The schemes drawn by `steps` steps over `pool` with fixed rewards,
    /// for tests of the learning alone.
    #[cfg(test)]
    pub(crate) fn draws(
        &self,
        pool: &[ModelId],
        steps: usize,
        seed: u64,
        reward: impl Fn(ModelId) -> f64,
    ) -> Vec<ModelId> {
        let mut learner = Learner::new(&self.sizes);
        let mut rng = rng(seed);
        (0..steps)
            .map(|_| {
                self.step(&mut learner, pool, &mut rng, |id| Ok(Some(reward(id))))
                    .unwrap()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewarded_choice_gains_exactly_the_policy_gradient_step() {
        // One factor of 2 choices, uniform: ∇ ln π(choice 0) = (1 − ½, −½).
        // Over a pool holding both schemes, E_p[∇ ln π] = 0, so a step of
        // size 0.5 with advantage 1 moves the logits by (+¼, −¼).
        let policy = Policy::new(&[2]);
        let soft = policy.softmax();
        let mut grad = vec![0.0; 2];
        policy.add_grad(&soft, &vec![(0, 0)], 1.0, &mut grad);
        assert_eq!(grad, [0.5, -0.5]);
        for d in [vec![(0, 0)], vec![(0, 1)]] {
            policy.add_grad(&soft, &d, -0.5, &mut grad);
        }
        assert_eq!(grad, [0.5, -0.5]);
        assert!((policy.log_prob(&soft, &vec![(0, 1)]) - 0.5f64.ln()).abs() < 1e-15);
    }
}
