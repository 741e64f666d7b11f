//! Rank after a short training, then train the best fully: the machinery
//! the `predictor`, `zero-shot` and `last-accuracy` strategies share (each
//! has its own file for its settings). The predictor is either fitted by
//! the search (`fold`, `online`) or a pre-fitted predictor file (`naap
//! fit`), which needs no known curves at all.

use super::{best_observed, rank_desc, rng, SearchContext, Strategy};
use crate::meter::Meter;
use crate::predictor;
use crate::{Error, Result};
use naap_dataset::Row;
use naap_predict::features::FeatureSet;
use naap_predict::models::{Regressor, RegressorSpec};
use naap_predict::predictor::Predictor;
use naap_space::ModelId;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which full curves a predictor may learn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Known {
    /// The other fold of the pool: fit once on its full curves.
    Fold,
    /// Only the schemes this search has fully trained itself, refitted
    /// after every batch.
    Online,
}

impl Known {
    /// The name used on the command line and in labels.
    pub fn name(self) -> &'static str {
        match self {
            Known::Fold => "fold",
            Known::Online => "online",
        }
    }
}

impl std::str::FromStr for Known {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "fold" => Ok(Known::Fold),
            "online" => Ok(Known::Online),
            other => Err(format!(
                "unknown protocol '{other}', expected fold or online"
            )),
        }
    }
}

/// The regressor of the registry with this display name, built.
pub(crate) fn model(name: &str) -> Result<Box<dyn Regressor>> {
    name.parse::<RegressorSpec>()
        .map(|spec| spec.build())
        .map_err(|e| Error::InvalidConfig(e.to_string()))
}

/// The feature set with this name, as `naap fit` and `naap baseline` name them.
pub(crate) fn feature_set(name: &str) -> Result<FeatureSet> {
    FeatureSet::named(name).map_err(|e| Error::InvalidConfig(e.to_string()))
}

/// Names the predictor file in a settings error about it.
pub(crate) fn file_error(path: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::InvalidConfig(m) => Error::InvalidConfig(format!("predictor file {path}: {m}")),
        e => e,
    }
}

/// How the short-trained candidates are ranked.
pub enum Ranker {
    /// By test accuracy at the last paid epoch k, no model.
    LastAccuracy,
    /// By a regressor's predicted MaxAccuracy.
    Model {
        /// The model's inputs (free features and epochs 1..=k at most).
        features: FeatureSet,
        /// The model, fitted anew on every search.
        model: Box<dyn Regressor>,
        /// What it is fitted on.
        known: Known,
    },
    /// By a predictor fitted beforehand (a `naap fit` file), asked on the
    /// free features and the first epochs it reads, as paid.
    Fitted(Arc<Predictor>),
}

/// Train every candidate k epochs, rank them, train the top m fully and
/// return the best observed of those.
pub struct RankThenTrain {
    name: String,
    k: u32,
    m: usize,
    batch: usize,
    ranker: Ranker,
}

impl RankThenTrain {
    fn new(name: String, k: u32, m: usize, batch: usize, ranker: Ranker) -> Result<RankThenTrain> {
        if m == 0 {
            return Err(Error::InvalidConfig(
                "top-m must be at least 1, got 0".into(),
            ));
        }
        if batch == 0 {
            return Err(Error::InvalidConfig(
                "online-batch must be at least 1, got 0".into(),
            ));
        }
        Ok(RankThenTrain {
            name,
            k,
            m,
            batch,
            ranker,
        })
    }

    /// `last-accuracy`: rank by the accuracy at epoch k (k ≥ 1).
    pub fn last_accuracy(k: u32, m: usize) -> Result<RankThenTrain> {
        if k == 0 {
            return Err(Error::InvalidConfig(
                "last-accuracy needs k-epochs of at least 1, got 0".into(),
            ));
        }
        Self::new("last-accuracy".into(), k, m, 1, Ranker::LastAccuracy)
    }

    /// `predictor`: train every candidate k ≥ 1 epochs, rank by `model`
    /// on `features` (which may read epochs 1..=k at most) fitted on the
    /// `known` curves; the online protocol fully trains `batch` schemes
    /// between refits.
    pub fn predictor(
        k: u32,
        m: usize,
        model: Box<dyn Regressor>,
        features: FeatureSet,
        known: Known,
        batch: usize,
    ) -> Result<RankThenTrain> {
        if k == 0 {
            return Err(Error::InvalidConfig(
                "predictor needs k-epochs of at least 1 (zero-shot is the 0-epoch one), got 0"
                    .into(),
            ));
        }
        if features.epochs() > k {
            return Err(Error::InvalidConfig(format!(
                "predictor features '{}' read epoch {}, but candidates are trained {k} epochs",
                features.name(),
                features.epochs()
            )));
        }
        let ranker = Ranker::Model {
            features,
            model,
            known,
        };
        Self::new(format!("predictor-{}", known.name()), k, m, batch, ranker)
    }

    /// `zero-shot`: no training before ranking, so `features` may read no
    /// epoch (the paper's `Scheme`: ln NumParams, NumStages).
    pub fn zero_shot(
        m: usize,
        model: Box<dyn Regressor>,
        features: FeatureSet,
        known: Known,
        batch: usize,
    ) -> Result<RankThenTrain> {
        if features.epochs() > 0 {
            return Err(Error::InvalidConfig(format!(
                "zero-shot features '{}' read epoch {}, but zero-shot trains nothing first",
                features.name(),
                features.epochs()
            )));
        }
        let ranker = Ranker::Model {
            features,
            model,
            known,
        };
        Self::new(format!("zero-shot-{}", known.name()), 0, m, batch, ranker)
    }

    /// `predictor` with a pre-fitted predictor: train every candidate k
    /// epochs, rank by `predictor`'s predictions from what was paid, train
    /// the top m fully. k must cover the epochs its features read.
    pub fn predictor_file(k: u32, m: usize, predictor: Arc<Predictor>) -> Result<RankThenTrain> {
        let needs = predictor.epochs_needed();
        if needs > k {
            return Err(Error::InvalidConfig(format!(
                "the predictor file's features '{}' read epoch {needs}, but k-epochs is {k}: \
                 k-epochs must be at least {needs}",
                predictor.feature_set().name()
            )));
        }
        Self::new("predictor-file".into(), k, m, 1, Ranker::Fitted(predictor))
    }

    /// `zero-shot` with a pre-fitted scheme-only predictor: rank before any
    /// training, train the top m fully.
    pub fn zero_shot_file(m: usize, predictor: Arc<Predictor>) -> Result<RankThenTrain> {
        let needs = predictor.epochs_needed();
        if needs > 0 {
            return Err(Error::InvalidConfig(format!(
                "zero-shot ranks before any training, but the predictor file's features '{}' \
                 read epoch {needs}: give a scheme-only predictor, or use the predictor strategy",
                predictor.feature_set().name()
            )));
        }
        Self::new("zero-shot-file".into(), 0, m, 1, Ranker::Fitted(predictor))
    }

    /// Epochs every candidate is trained before ranking.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// How many candidates are fully trained.
    pub fn m(&self) -> usize {
        self.m
    }

    fn train_fully(&self, meter: &mut Meter<'_>, ids: &[ModelId]) -> Result<()> {
        let full = meter.max_epochs();
        meter.train(&ids.iter().map(|&id| (id, full)).collect::<Vec<_>>())
    }

    /// Candidates ranked by a model fitted on `train` (full-curve rows).
    fn rank_by_model(
        &self,
        meter: &Meter<'_>,
        ids: &[ModelId],
        train: &[&Row],
        features: &FeatureSet,
        model: &dyn Regressor,
        seed: u64,
    ) -> Result<Vec<ModelId>> {
        let predicted = predictor::fit_predict(meter, model, features, train, ids, seed)?;
        rank_desc(ids.iter().copied().zip(predicted).collect())
    }

    fn online(
        &self,
        meter: &mut Meter<'_>,
        pool: &[ModelId],
        features: &FeatureSet,
        model: &dyn Regressor,
        seed: u64,
    ) -> Result<Vec<ModelId>> {
        let mut remaining = pool.to_vec();
        // Every scheme trained fully, and those of them that did not diverge.
        let (mut picked, mut trained): (Vec<ModelId>, Vec<ModelId>) = (Vec::new(), Vec::new());
        while trained.len() < self.m && !remaining.is_empty() {
            let take = self.batch.min(self.m - trained.len());
            let ranked = if trained.len() < model.min_rows().max(1) {
                // Nothing to learn from yet, or too little for this model
                // (9-NN after a batch of 5): rank as the first batch, by the
                // accuracy at epoch k (a random draw for k = 0), until the
                // model can be fitted.
                first_batch(meter, &remaining, self.k, seed)?
            } else {
                let rows = trained
                    .iter()
                    .map(|&id| predictor::observed_row(meter, id, meter.best_accuracy(id)?))
                    .collect::<Result<Vec<_>>>()?;
                let refs: Vec<&Row> = rows.iter().collect();
                self.rank_by_model(meter, &remaining, &refs, features, model, seed)?
            };
            let batch: Vec<ModelId> = ranked.into_iter().take(take).collect();
            self.train_fully(meter, &batch)?;
            remaining.retain(|id| !batch.contains(id));
            // A diverged one is no training row; the next batch replaces it.
            trained.extend(meter.alive(&batch));
            picked.extend(batch);
        }
        Ok(picked)
    }
}

fn first_batch(meter: &Meter<'_>, ids: &[ModelId], k: u32, seed: u64) -> Result<Vec<ModelId>> {
    if k == 0 {
        use rand::seq::SliceRandom;
        let mut order = ids.to_vec();
        order.shuffle(&mut rng(seed));
        return Ok(order);
    }
    by_accuracy_at(meter, ids, k)
}

fn by_accuracy_at(meter: &Meter<'_>, ids: &[ModelId], k: u32) -> Result<Vec<ModelId>> {
    let scored = ids
        .iter()
        .map(|&id| Ok((id, meter.accuracy_at(id, k)?)))
        .collect::<Result<Vec<_>>>()?;
    rank_desc(scored)
}

impl Strategy for RankThenTrain {
    fn name(&self) -> &str {
        &self.name
    }

    fn needs_known(&self) -> bool {
        matches!(
            self.ranker,
            Ranker::Model {
                known: Known::Fold,
                ..
            }
        )
    }

    fn search(&self, meter: &mut Meter<'_>, ctx: &SearchContext<'_>) -> Result<ModelId> {
        let pool = meter.ids();
        if self.m > pool.len() {
            return Err(Error::InvalidConfig(format!(
                "{}: top-m {} is larger than the pool of {}",
                self.name,
                self.m,
                pool.len()
            )));
        }
        if self.k > 0 {
            meter.train(&pool.iter().map(|&id| (id, self.k)).collect::<Vec<_>>())?;
        }
        let pool = meter.alive(&pool);
        let finalists = match &self.ranker {
            Ranker::LastAccuracy => by_accuracy_at(meter, &pool, self.k)?,
            Ranker::Model {
                features,
                model,
                known: Known::Fold,
            } => {
                if ctx.known.is_empty() {
                    return Err(Error::InvalidConfig(format!(
                        "{} needs known curves (the other fold), got none",
                        self.name
                    )));
                }
                self.rank_by_model(meter, &pool, ctx.known, features, model, ctx.seed)?
            }
            Ranker::Model {
                features,
                model,
                known: Known::Online,
            } => {
                let trained = self.online(meter, &pool, features, model, ctx.seed)?;
                return best_observed(meter, &trained);
            }
            Ranker::Fitted(p) => {
                let predicted = predictor::predict(meter, p, &pool)?;
                rank_desc(pool.iter().copied().zip(predicted).collect())?
            }
        };
        let top: Vec<ModelId> = finalists.into_iter().take(self.m).collect();
        self.train_fully(meter, &top)?;
        best_observed(meter, &top)
    }
}
