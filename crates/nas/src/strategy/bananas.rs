//! `bananas`: Bayesian optimization with a neural-predictor ensemble
//! (White et al., 2021, <https://arxiv.org/abs/1910.11858>), the
//! predictor any naap regressor: an ensemble fitted on bootstrap resamples
//! of the schemes evaluated so far, candidates by mutation of the best seen,
//! picked by independent Thompson sampling or UCB of the ensemble's mean
//! and spread.

use super::ranked::{feature_set, model};
use super::walk::{check_common, graph, Walk};
use super::{BuildEnv, SearchContext, Strategy, StrategyFlags, StrategyParams};
use crate::meter::Meter;
use crate::predictor::{observed_row, predict};
use crate::{Error, Result};
use naap_dataset::Row;
use naap_predict::features::FeatureSet;
use naap_predict::models::Regressor;
use naap_predict::predictor::Predictor;
use naap_space::{ModelId, Neighbourhood};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The regressor of each ensemble member by default.
pub const DEFAULT_SURROGATE: &str = "Gradient Boosting (N=25)";
/// The features of the surrogate by default: the six scheme features of
/// the NAAP-440 CSV (no epoch: candidates are not trained yet).
pub const DEFAULT_SURROGATE_FEATURES: &str = "Scheme6";

/// How BANANAS scores a candidate from the ensemble's predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Acquisition {
    /// Independent Thompson sampling: a draw of N(mean, spread²) per candidate.
    Its,
    /// Upper confidence bound: mean + spread.
    Ucb,
}

impl std::str::FromStr for Acquisition {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "its" => Ok(Acquisition::Its),
            "ucb" => Ok(Acquisition::Ucb),
            other => Err(format!(
                "unknown acquisition '{other}', expected its or ucb"
            )),
        }
    }
}

/// The settings of `bananas`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BananasSpec {
    /// The ensemble members' regressor, a model name of `naap baseline`.
    /// Default `Gradient Boosting (N=25)`.
    pub model: String,
    /// The surrogate's feature set, reading no epoch. Default `Scheme6`.
    pub features: String,
    /// Members of the ensemble, ≥ 2 (`--ensemble`). Default 5.
    pub ensemble: usize,
    /// The acquisition (`--acquisition`: its, ucb). Default its.
    pub acquisition: Acquisition,
    /// Random schemes evaluated before the first fit, ≥ 2 (`--init`). Default 10.
    pub init: usize,
    /// Schemes evaluated between refits, ≥ 1. Default 10, as NASLib.
    pub batch: usize,
    /// Candidates scored per refit, ≥ 1: the unseen pool neighbours of the
    /// best seen schemes, filled up with random unseen ones. Default 50.
    pub candidates: usize,
    /// Epochs each scheme is trained to be evaluated, ≥ 1 (`--eval-epochs`).
    /// Default 12.
    pub eval_epochs: u32,
    /// Schemes evaluated before it stops, ≥ 1 (`--evaluations`). Default 100.
    pub evaluations: usize,
    /// The space config whose neighbourhood mutates (a path); default the
    /// NAAP-440 space.
    pub space: Option<String>,
}

impl Default for BananasSpec {
    fn default() -> Self {
        BananasSpec {
            model: DEFAULT_SURROGATE.into(),
            features: DEFAULT_SURROGATE_FEATURES.into(),
            ensemble: 5,
            acquisition: Acquisition::Its,
            init: 10,
            batch: 10,
            candidates: 50,
            eval_epochs: 12,
            evaluations: 100,
            space: None,
        }
    }
}

impl StrategyParams for BananasSpec {
    fn apply(&mut self, flags: &StrategyFlags) {
        self.ensemble = flags.ensemble.unwrap_or(self.ensemble);
        self.acquisition = flags.acquisition.unwrap_or(self.acquisition);
        self.init = flags.init.unwrap_or(self.init);
        self.eval_epochs = flags.eval_epochs.unwrap_or(self.eval_epochs);
        self.evaluations = flags.evaluations.unwrap_or(self.evaluations);
        if let Some(m) = &flags.surrogate {
            self.model = m.clone();
        }
    }

    fn build(&self, _env: &BuildEnv<'_>) -> Result<Vec<Box<dyn Strategy>>> {
        Ok(vec![Box::new(Bananas::new(
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

/// BANANAS over the space's neighbourhood.
pub struct Bananas {
    graph: Arc<Neighbourhood>,
    model: Box<dyn Regressor>,
    features: FeatureSet,
    spec: BananasSpec,
}

impl Bananas {
    /// BANANAS on `graph` with the checked settings of `spec`.
    pub fn new(graph: Arc<Neighbourhood>, spec: &BananasSpec) -> Result<Bananas> {
        check_common("bananas", spec.eval_epochs, spec.evaluations)?;
        let bad = |m: String| Err(Error::InvalidConfig(format!("bananas: {m}")));
        if spec.ensemble < 2 {
            return bad(format!(
                "ensemble needs at least 2 members for a spread, got {}",
                spec.ensemble
            ));
        }
        if spec.init < 2 || spec.batch == 0 || spec.candidates == 0 {
            return bad(format!(
                "needs init >= 2, batch >= 1 and candidates >= 1, got {}, {} and {}",
                spec.init, spec.batch, spec.candidates
            ));
        }
        let features = feature_set(&spec.features)?;
        if features.epochs() > 0 {
            return bad(format!(
                "features '{}' read epoch {}, but candidates are scored before any training",
                features.name(),
                features.epochs()
            ));
        }
        Ok(Bananas {
            graph,
            model: model(&spec.model)?,
            features,
            spec: spec.clone(),
        })
    }

    /// Unseen pool schemes to score: neighbours of the best seen first,
    /// then random unseen ones, `candidates` at most, ascending.
    fn candidates(&self, walk: &mut Walk<'_>, seen: &[ModelId]) -> Vec<ModelId> {
        let mut ranked: Vec<(ModelId, f64)> = seen
            .iter()
            .filter_map(|&id| walk.seen(id).map(|a| (id, a)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out: Vec<ModelId> = Vec::new();
        for &(id, _) in &ranked {
            for n in walk.neighbours(id) {
                if out.len() < self.spec.candidates && walk.seen(n).is_none() && !out.contains(&n) {
                    out.push(n);
                }
            }
            if out.len() >= self.spec.candidates {
                break;
            }
        }
        let mut unseen = walk.unseen();
        unseen.retain(|id| !out.contains(id));
        use rand::seq::SliceRandom;
        unseen.shuffle(&mut walk.rng);
        let room = self.spec.candidates.saturating_sub(out.len());
        out.extend(unseen.into_iter().take(room));
        out.sort_unstable();
        out
    }

    /// The acquisition of each candidate from the ensemble fitted on `seen`.
    fn acquire(
        &self,
        meter: &Meter<'_>,
        walk: &mut Walk<'_>,
        seen: &[ModelId],
        candidates: &[ModelId],
    ) -> Result<Vec<f64>> {
        let rows = seen
            .iter()
            .filter_map(|&id| walk.seen(id).filter(|a| a.is_finite()).map(|a| (id, a)))
            .map(|(id, a)| observed_row(meter, id, a))
            .collect::<Result<Vec<Row>>>()?;
        let mut predictions = vec![Vec::with_capacity(self.spec.ensemble); candidates.len()];
        for _ in 0..self.spec.ensemble {
            let boot: Vec<&Row> = (0..rows.len())
                .map(|_| &rows[walk.rng.gen_range(0..rows.len())])
                .collect();
            let member_seed = walk.rng.gen::<u64>();
            let fitted =
                Predictor::fit_rows(&boot, self.model.as_ref(), &self.features, member_seed)?;
            for (p, v) in predictions
                .iter_mut()
                .zip(predict(meter, &fitted, candidates)?)
            {
                p.push(v);
            }
        }
        Ok(predictions
            .iter()
            .map(|p| {
                let n = p.len() as f64;
                let mean = p.iter().sum::<f64>() / n;
                let spread = (p.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                match self.spec.acquisition {
                    Acquisition::Ucb => mean + spread,
                    Acquisition::Its => mean + spread * standard_normal(&mut walk.rng),
                }
            })
            .collect())
    }
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = 1.0 - rng.gen::<f64>();
    let v: f64 = rng.gen();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

impl Strategy for Bananas {
    fn name(&self) -> &str {
        "bananas"
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId> {
        let mut walk = Walk::new(
            self.name(),
            meter,
            &self.graph,
            self.spec.eval_epochs,
            self.spec.evaluations,
            ctx.seed,
        )?;
        let mut seen = Vec::new();
        while seen.len() < self.spec.init && !walk.done() {
            let Some(id) = walk.random_unseen() else {
                break;
            };
            walk.evaluate(meter, id)?;
            seen.push(id);
        }
        while !walk.done() {
            let candidates = self.candidates(&mut walk, &seen);
            let scores = self.acquire(meter, &mut walk, &seen, &candidates)?;
            let mut order: Vec<(ModelId, f64)> = candidates.into_iter().zip(scores).collect();
            order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for (id, _) in order.into_iter().take(self.spec.batch) {
                if walk.done() {
                    break;
                }
                walk.evaluate(meter, id)?;
                seen.push(id);
            }
        }
        walk.best()
    }
}
