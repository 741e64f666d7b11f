//! `bohb`: Hyperband whose new schemes come from a density model of the
//! good ones seen so far (Falkner et al., 2018,
//! <https://arxiv.org/abs/1807.01774>): a tree-Parzen estimator l(x)/g(x)
//! over the scheme features, fitted at the largest rung with enough
//! observations; a third of the draws, and every draw before the model has
//! enough points, stay random.

use super::halving::{check_ladder, halve, Rungs};
use super::hyperband::Hyperband;
use super::walk::check_common;
use super::{rank_desc, rng, BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::{Error, Result};
use naap_space::ModelId;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Share of the draws that stay random (BOHB's `random_fraction`).
const RANDOM_FRACTION: f64 = 1.0 / 3.0;
/// Share of the observations that are "good" (BOHB's `top_n_percent`).
const GOOD_FRACTION: f64 = 0.15;
/// Unseen schemes scored by l/g for each model-based draw (BOHB's `num_samples`).
const SAMPLES: usize = 64;
/// The smallest kernel bandwidth, in standard deviations of the pool.
const MIN_BANDWIDTH: f64 = 0.1;

/// The settings of `bohb`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BohbSpec {
    /// Reduction factor, ≥ 2 (`--eta`). Default 3.
    pub eta: u32,
    /// Epochs of the last rung, R (`--eval-epochs`); the first rung is R
    /// divided by eta while it divides. Default 12, as NATS-Bench (rungs 4, 12).
    pub eval_epochs: u32,
    /// Schemes drawn before it stops, ≥ 1 (`--evaluations`), unless the
    /// budget or the pool ends first. Default 100.
    pub evaluations: usize,
}

impl Default for BohbSpec {
    fn default() -> Self {
        BohbSpec {
            eta: 3,
            eval_epochs: 12,
            evaluations: 100,
        }
    }
}

impl BohbSpec {
    /// The ladder: R = eval-epochs, r = R / eta^s for the largest s that divides.
    pub fn rungs(&self) -> Result<Rungs> {
        check_common("bohb", self.eval_epochs, self.evaluations)?;
        if self.eta < 2 {
            return Err(Error::InvalidConfig(format!(
                "bohb: eta must be at least 2, got {}",
                self.eta
            )));
        }
        let mut r = self.eval_epochs;
        while r % self.eta == 0 {
            r /= self.eta;
        }
        Rungs::new(self.eta, r, self.eval_epochs)
    }
}

impl StrategyParams for BohbSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.eta = flags.eta.unwrap_or(self.eta);
        self.eval_epochs = flags.eval_epochs.unwrap_or(self.eval_epochs);
        self.evaluations = flags.evaluations.unwrap_or(self.evaluations);
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(Bohb {
            rungs: self.rungs()?,
            evaluations: self.evaluations,
        })])
    }

    fn epochs_needed(&self) -> u32 {
        self.eval_epochs
    }

    fn trains_fully(&self) -> usize {
        0
    }
}

/// BOHB: Hyperband iterations, new schemes drawn from a density model.
#[derive(Debug, Clone, Copy)]
pub struct Bohb {
    rungs: Rungs,
    evaluations: usize,
}

/// The free features the density model reads: ln NumParams, ln NumMACs,
/// NumLayers, NumStages, FirstLayerWidth, LastLayerWidth, standardized
/// over the pool.
fn encode(meter: &Meter<'_>, pool: &[ModelId]) -> Result<Vec<Vec<f64>>> {
    let mut x = pool
        .iter()
        .map(|&id| {
            let s = &meter.member(id)?.scheme;
            Ok(vec![
                (s.num_params.max(1) as f64).ln(),
                (s.num_macs.max(1) as f64).ln(),
                f64::from(s.num_layers),
                f64::from(s.num_stages),
                f64::from(s.first_layer_width),
                f64::from(s.last_layer_width),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    let n = x.len().max(1) as f64;
    for d in 0..6 {
        let mean = x.iter().map(|v| v[d]).sum::<f64>() / n;
        let sd = (x.iter().map(|v| (v[d] - mean).powi(2)).sum::<f64>() / n).sqrt();
        let sd = if sd > 0.0 { sd } else { 1.0 };
        x.iter_mut().for_each(|v| v[d] = (v[d] - mean) / sd);
    }
    Ok(x)
}

/// A Parzen density: Gaussian kernels on the points, Scott's bandwidth per
/// dimension (at least [`MIN_BANDWIDTH`]).
struct Parzen<'a> {
    points: Vec<&'a [f64]>,
    bandwidth: Vec<f64>,
}

impl<'a> Parzen<'a> {
    fn new(points: Vec<&'a [f64]>) -> Parzen<'a> {
        let n = points.len() as f64;
        let dims = points.first().map_or(0, |p| p.len());
        let bandwidth = (0..dims)
            .map(|d| {
                let mean = points.iter().map(|p| p[d]).sum::<f64>() / n;
                let sd = (points.iter().map(|p| (p[d] - mean).powi(2)).sum::<f64>() / n).sqrt();
                (1.06 * sd * n.powf(-0.2)).max(MIN_BANDWIDTH)
            })
            .collect();
        Parzen { points, bandwidth }
    }

    /// ln of the density at `x` (up to a constant shared by every x).
    fn log_density(&self, x: &[f64]) -> f64 {
        let logs: Vec<f64> = self
            .points
            .iter()
            .map(|p| {
                p.iter()
                    .zip(x)
                    .zip(&self.bandwidth)
                    .map(|((o, v), h)| -0.5 * ((v - o) / h).powi(2) - h.ln())
                    .sum::<f64>()
            })
            .collect();
        let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        top + logs.iter().map(|l| (l - top).exp()).sum::<f64>().ln() - (logs.len() as f64).ln()
    }
}

impl Bohb {
    /// The observations of the largest rung with enough of them (more than
    /// the features' dimension + 1): `(pool position, accuracy at the rung)`.
    fn observations(
        &self,
        meter: &Meter<'_>,
        pool: &[ModelId],
    ) -> Result<Option<Vec<(usize, f64)>>> {
        let mut budget = self.rungs.max_epochs();
        loop {
            let mut obs = Vec::new();
            for (i, &id) in pool.iter().enumerate() {
                if meter.trained_epochs(id)? >= budget && !meter.alive(&[id]).is_empty() {
                    obs.push((i, meter.accuracy_at(id, budget)?));
                }
            }
            if obs.len() > 7 {
                return Ok(Some(obs));
            }
            if budget == self.rungs.min_epochs() {
                return Ok(None);
            }
            budget /= self.rungs.eta();
        }
    }

    /// `n` unseen schemes: each random with probability 1/3 or without a
    /// model, else the best l/g of [`SAMPLES`] random unseen ones.
    fn draw(
        &self,
        meter: &Meter<'_>,
        pool: &[ModelId],
        x: &[Vec<f64>],
        unseen: &mut BTreeSet<usize>,
        n: usize,
        rng: &mut impl Rng,
    ) -> Result<Vec<ModelId>> {
        let obs = self.observations(meter, pool)?;
        let model = obs.map(|mut obs| {
            obs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let good = ((GOOD_FRACTION * obs.len() as f64).ceil() as usize).max(1);
            let at = |o: &[(usize, f64)]| o.iter().map(|&(i, _)| x[i].as_slice()).collect();
            (Parzen::new(at(&obs[..good])), Parzen::new(at(&obs[good..])))
        });
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let left: Vec<usize> = unseen.iter().copied().collect();
            if left.is_empty() {
                break;
            }
            let pick = match &model {
                Some((l, g)) if rng.gen::<f64>() >= RANDOM_FRACTION => {
                    let k = SAMPLES.min(left.len());
                    let drawn = rand::seq::index::sample(rng, left.len(), k);
                    let scored: Vec<(ModelId, f64)> = drawn
                        .into_iter()
                        .map(|j| {
                            let i = left[j];
                            (pool[i], l.log_density(&x[i]) - g.log_density(&x[i]))
                        })
                        .collect();
                    let best = rank_desc(scored)?[0];
                    pool.binary_search(&best).expect("drawn from the pool")
                }
                _ => *left.choose(rng).expect("not empty"),
            };
            unseen.remove(&pick);
            out.push(pool[pick]);
        }
        out.sort_unstable();
        Ok(out)
    }
}

impl Strategy for Bohb {
    fn name(&self) -> &str {
        "bohb"
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId> {
        check_ladder(meter, &self.rungs)?;
        let pool = meter.ids();
        let x = encode(meter, &pool)?;
        let mut unseen: BTreeSet<usize> = (0..pool.len()).collect();
        let mut rng = rng(ctx.seed);
        let mut drawn = 0;
        let hyperband = Hyperband::new(self.rungs);
        let mut winners = Vec::new();
        'iterations: loop {
            for (n, first, halvings) in hyperband.brackets() {
                let n = n.min(self.evaluations - drawn);
                if n == 0 || unseen.is_empty() {
                    break 'iterations;
                }
                let picked = self.draw(meter, &pool, &x, &mut unseen, n, &mut rng)?;
                drawn += picked.len();
                winners.extend(halve(meter, picked, first, self.rungs.eta(), halvings)?);
            }
        }
        let winners = meter.alive(&winners);
        let r = self.rungs.max_epochs();
        let scored = winners
            .iter()
            .map(|&id| Ok((id, meter.accuracy_at(id, r)?)))
            .collect::<Result<Vec<_>>>()?;
        rank_desc(scored)?
            .first()
            .copied()
            .ok_or_else(|| Error::NothingLeft("every drawn scheme diverged".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_density_ratio_prefers_where_the_good_schemes_are() {
        let good = [vec![0.0, 0.0], vec![0.2, -0.1]];
        let bad = [vec![3.0, 3.0], vec![2.5, 3.2], vec![3.1, 2.8]];
        let l = Parzen::new(good.iter().map(Vec::as_slice).collect());
        let g = Parzen::new(bad.iter().map(Vec::as_slice).collect());
        let ratio = |x: &[f64]| l.log_density(x) - g.log_density(x);
        assert!(ratio(&[0.1, 0.0]) > ratio(&[1.5, 1.5]));
        assert!(ratio(&[1.5, 1.5]) > ratio(&[2.9, 3.0]));
        // One point, zero spread: the floor bandwidth keeps it finite.
        let one = Parzen::new(vec![&good[0][..]]);
        assert_eq!(one.bandwidth, [MIN_BANDWIDTH, MIN_BANDWIDTH]);
        assert!(one.log_density(&[5.0, 5.0]).is_finite());
    }
}
