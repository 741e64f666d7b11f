//! One live search from start (or resume) to its ranked result.

use crate::config::SearchValidConfig;
use crate::dispatch::BatchTrainer;
use crate::journal::Journal;
use crate::live::{LiveSource, SearchEvent};
use crate::{Error, Result};
use naap_dataset::Architecture;
use naap_dataset::{EpochRecord, Row};
use naap_nas::strategy::Known;
use naap_nas::{CostModel, SearchContext, SearchOutcome, StrategySpec};
use naap_predict::features::FeatureSet;
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::Predictor;
use naap_space::ModelId;
use std::collections::BTreeMap;

/// The first line of a search's journal: the build (normally
/// [`crate::CODE_ID`]) and a hash of the settings (`config_toml`, everything
/// that shapes the results). A resume with any other line is refused; one
/// that differs only in the build can be discarded ([`crate::Journal::open`]).
pub fn journal_header(build: &str, config_toml: &str) -> String {
    let hash = config_toml.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let build = build.replace(['\n', ';'], " ");
    format!("naap search journal v1; build {build}; config fnv1a {hash:016x}")
}

/// `(build, the rest)` of a journal header, if it has that shape.
pub(crate) fn split_header(header: &str) -> Option<(&str, &str)> {
    let rest = header.strip_prefix("naap search journal v1; build ")?;
    let at = rest.rfind("; config ")?;
    Some((&rest[..at], &rest[at..]))
}

/// A scheme as a candidate: its free features, computed by the profiler
/// (so any space's schemes can be ranked by a predictor fitted elsewhere).
pub fn candidate(model_id: ModelId, scheme: &naap_space::Scheme) -> Result<Architecture> {
    let config = naap_profile::ProfileConfig::default()
        .validate()
        .expect("the default profile config is valid");
    let p = naap_profile::profile(scheme, &config)
        .map_err(|e| Error::Config(format!("scheme {model_id}: {e}")))?;
    Ok(Architecture::new(model_id, p))
}

/// What a live search did.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchReport {
    /// The strategy's label.
    pub strategy: String,
    /// The meter's account: the scheme found, what was spent, the
    /// trajectory, whether the budget stopped the search.
    pub outcome: SearchOutcome,
    /// Every candidate, ranked (the winner first).
    pub ranking: Vec<RankedCandidate>,
    /// Epochs of a full training.
    pub max_epochs: u32,
    /// Training wall time, seconds (journaled batches included).
    pub secs_spent: f64,
    /// Batches answered from the journal of an earlier run.
    pub replayed_batches: usize,
}

/// How a candidate ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The scheme the search returned.
    Winner,
    /// Trained to the full epochs, not the best.
    Full,
    /// Trained, then dropped before the full epochs.
    Dropped,
    /// Never trained.
    Untrained,
    /// Its training diverged: it left the search.
    Diverged,
}

impl Decision {
    /// The word in `ranking.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Winner => "winner",
            Decision::Full => "full",
            Decision::Dropped => "dropped",
            Decision::Untrained => "untrained",
            Decision::Diverged => "diverged",
        }
    }
}

/// One line of `ranking.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedCandidate {
    /// The scheme.
    pub model_id: ModelId,
    /// Epochs trained.
    pub epochs_trained: u32,
    /// Test accuracy at the last trained epoch.
    pub last_accuracy: Option<f64>,
    /// Best test accuracy over the trained epochs.
    pub best_accuracy: Option<f64>,
    /// The predictor's MaxAccuracy estimate (predictor and zero-shot
    /// strategies with a predictor file or under the fold protocol, which
    /// rank by one fit).
    pub predicted_accuracy: Option<f64>,
    /// What the search decided.
    pub decision: Decision,
    /// Why its training diverged, if it did.
    pub diverged: Option<String>,
}

/// Runs the configured strategy on `candidates`, trained by `trainer`,
/// journaled in `journal` (an existing journal is replayed first), and
/// ranks every candidate. `known` are the full curves a fold-protocol
/// predictor fits on.
pub fn run_search(
    config: &SearchValidConfig,
    candidates: Vec<Architecture>,
    known: &[Row],
    trainer: &dyn BatchTrainer,
    journal: &mut Journal,
    on_event: &(dyn Fn(SearchEvent) + Sync),
) -> Result<SearchReport> {
    let strategy = config.strategy()?;
    let known_refs: Vec<&Row> = known.iter().collect();
    let ctx = SearchContext {
        seed: config.seed(),
        known: &known_refs,
    };
    let max_epochs = config.max_epochs();
    let mut source = LiveSource::new(
        candidates,
        max_epochs,
        trainer,
        journal,
        config.budget_secs(),
        on_event,
    )?;
    let cost = CostModel::epochs();
    let budget = config.get().budget_epochs.map(|e| e as f64);
    let outcome = naap_nas::search(strategy.as_ref(), &mut source, &cost, budget, &ctx);
    if let Some(failure) = source.take_failure() {
        return Err(failure);
    }
    let outcome = outcome?;
    let (secs_spent, replayed_batches) = (source.secs_spent(), source.replayed());
    let candidates = source_candidates(&source);
    drop(source);
    let curves = curves(journal);
    let predicted = predictions(config, &candidates, &curves, &known_refs)?;
    let ranking = rank(&candidates, &curves, &predicted, &outcome, max_epochs)?;
    Ok(SearchReport {
        strategy: strategy.name().to_owned(),
        outcome,
        ranking,
        max_epochs,
        secs_spent,
        replayed_batches,
    })
}

fn source_candidates(source: &LiveSource<'_>) -> Vec<Architecture> {
    use naap_nas::CurveSource;
    source.members().to_vec()
}

/// Each candidate's curve as paid, rebuilt from the journal.
fn curves(journal: &Journal) -> BTreeMap<u32, Vec<EpochRecord>> {
    let mut curves: BTreeMap<u32, Vec<EpochRecord>> = BTreeMap::new();
    for batch in journal.batches() {
        for (w, a) in batch.work.iter().zip(batch.answers()) {
            curves.entry(w[0]).or_default().extend(a.records);
        }
    }
    curves
}

/// The predictions the strategy ranked by, when it ranked once: the
/// predictor file's, or the fold protocol's fit (its features, its model,
/// the known curves, its seed), asked for every candidate on the epochs it
/// was ranked on.
fn predictions(
    config: &SearchValidConfig,
    candidates: &[Architecture],
    curves: &BTreeMap<u32, Vec<EpochRecord>>,
    known: &[&Row],
) -> Result<BTreeMap<u32, f64>> {
    let fold = |known_protocols: &[Known]| known_protocols.first() == Some(&Known::Fold);
    let file = config.predictor_file().map(|f| f.predictor());
    // The one fit a strategy ranked by, if it ranked once: the predictor
    // file's, or the fold protocol's (its model, on the known curves).
    let (features, fitted) = match (&config.get().strategy, file) {
        (StrategySpec::Predictor(_) | StrategySpec::ZeroShot(_), Some(p)) => {
            (p.feature_set().clone(), None)
        }
        (StrategySpec::Predictor(p), None) if fold(&p.known) && !known.is_empty() => {
            let features = match &p.features {
                Some(name) => FeatureSet::named(name)?,
                None => FeatureSet::scheme_quantitative(p.k_epochs),
            };
            (features, Some(&p.model))
        }
        (StrategySpec::ZeroShot(z), None) if fold(&z.known) && !known.is_empty() => {
            (FeatureSet::named(&z.features)?, Some(&z.model))
        }
        _ => return Ok(BTreeMap::new()),
    };
    let k = features.epochs() as usize;
    let (ids, asked): (Vec<u32>, Vec<Architecture>) = candidates
        .iter()
        .filter_map(|m| {
            let curve = curves.get(&m.id.get()).map_or(&[][..], Vec::as_slice);
            (curve.len() >= k).then(|| (m.id.get(), m.clone().with_epochs(curve[..k].to_vec())))
        })
        .unzip();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let predicted = match (file, fitted) {
        (Some(p), _) => p.predict(&asked)?,
        (None, Some(model)) => {
            let regressor = model
                .parse::<RegressorSpec>()
                .map_err(naap_predict::Error::from)?
                .build();
            Predictor::fit_rows(known, &*regressor, &features, config.seed())?.predict(&asked)?
        }
        (None, None) => return Ok(BTreeMap::new()),
    };
    Ok(ids.into_iter().zip(predicted).collect())
}

fn rank(
    candidates: &[Architecture],
    curves: &BTreeMap<u32, Vec<EpochRecord>>,
    predicted: &BTreeMap<u32, f64>,
    outcome: &SearchOutcome,
    max_epochs: u32,
) -> Result<Vec<RankedCandidate>> {
    let mut out: Vec<RankedCandidate> = candidates
        .iter()
        .map(|c| {
            let id = c.id;
            let curve = curves.get(&id.get()).map_or(&[][..], Vec::as_slice);
            let epochs_trained = curve.len() as u32;
            let diverged = outcome
                .diverged
                .iter()
                .find(|d| d.0 == id)
                .map(|d| d.1.clone());
            let decision = if diverged.is_some() {
                Decision::Diverged
            } else if id == outcome.found {
                Decision::Winner
            } else if epochs_trained == 0 {
                Decision::Untrained
            } else if epochs_trained >= max_epochs {
                Decision::Full
            } else {
                Decision::Dropped
            };
            Ok(RankedCandidate {
                model_id: id,
                epochs_trained,
                last_accuracy: curve.last().map(|r| r.accuracy),
                best_accuracy: curve.iter().map(|r| r.accuracy).reduce(f64::max),
                predicted_accuracy: predicted.get(&id.get()).copied(),
                decision,
                diverged,
            })
        })
        .collect::<Result<_>>()?;
    // The winner, then the longest trained, then the best observed; the
    // diverged last, out of the search.
    out.sort_by(|a, b| {
        (b.decision == Decision::Winner)
            .cmp(&(a.decision == Decision::Winner))
            .then((a.decision == Decision::Diverged).cmp(&(b.decision == Decision::Diverged)))
            .then(b.epochs_trained.cmp(&a.epochs_trained))
            .then(
                b.best_accuracy
                    .unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&a.best_accuracy.unwrap_or(f64::NEG_INFINITY)),
            )
            .then(a.model_id.cmp(&b.model_id))
    });
    Ok(out)
}

impl SearchReport {
    /// Scheme-epochs training every candidate fully would cost.
    pub fn exhaustive_epochs(&self) -> u64 {
        self.ranking.len() as u64 * u64::from(self.max_epochs)
    }
}
