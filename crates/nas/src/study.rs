//! A study: every strategy × repeat replayed on the table, in parallel,
//! scored against the truth the strategies never saw.

use crate::config::{Pool, StudyValidConfig};
use crate::cost::{CostKind, CostModel};
use crate::meter::{Meter, Spent};
use crate::source::CurveSource;
use crate::strategy::{SearchContext, Strategy};
use crate::table::TableSource;
use crate::{Error, Result};
use naap_dataset::{Dataset, Row};
use naap_space::ModelId;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// What one search did, as the meter saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOutcome {
    /// The ModelId the strategy returned.
    pub found: ModelId,
    /// Scheme-epochs paid.
    pub epochs_spent: u64,
    /// Cost paid, in the cost model's unit.
    pub cost_spent: f64,
    /// Spending and incumbent after each paid batch.
    pub trajectory: Vec<Spent>,
    /// `(ModelId, epochs paid)` of every scheme trained at all.
    pub paid: Vec<(ModelId, u32)>,
    /// Whether the budget stopped the search (it then answered with its
    /// incumbent).
    pub budget_hit: bool,
    /// `(ModelId, why)` of every candidate whose training diverged (never
    /// on stored curves).
    pub diverged: Vec<(ModelId, String)>,
}

/// Runs one strategy on one source, paying through a fresh meter capped at
/// `budget`. A search stopped by the budget answers with its incumbent; a
/// budget too small for its first batch is an error.
pub fn search(
    strategy: &dyn Strategy,
    source: &mut dyn CurveSource,
    cost: &CostModel,
    budget: Option<f64>,
    ctx: &SearchContext<'_>,
) -> Result<SearchOutcome> {
    let mut meter = Meter::new(source, cost)?.with_budget(budget);
    let (found, budget_hit) = match strategy.search(&mut meter, ctx) {
        Ok(id) => (id, false),
        Err(Error::BudgetExhausted(why)) => match meter.incumbent() {
            Some(id) => (id, true),
            None => {
                return Err(Error::InvalidConfig(format!(
                    "{}: the budget does not cover its first batch ({why})",
                    strategy.name()
                )))
            }
        },
        Err(e) => return Err(e),
    };
    Ok(SearchOutcome {
        budget_hit,
        found,
        epochs_spent: meter.epochs_spent(),
        cost_spent: meter.cost_spent(),
        trajectory: meter.trajectory().to_vec(),
        paid: meter.paid(),
        diverged: meter.diverged(),
    })
}

/// One strategy × repeat (× fold) of a study, scored on its pool.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The strategy's label.
    pub strategy: String,
    /// Repeat number, from 0.
    pub repeat: u32,
    /// The fold searched (0 or 1) under the `fold` protocol, else `None`.
    pub fold: Option<u8>,
    /// Schemes the search could train.
    pub pool_size: usize,
    /// Scheme-epochs paid.
    pub epochs_spent: u64,
    /// Cost paid, in the study's cost unit.
    pub cost_spent: f64,
    /// What training the whole pool fully would have cost.
    pub exhaustive_cost: f64,
    /// The scheme returned.
    pub found_model_id: ModelId,
    /// Its MaxAccuracy.
    pub found_max_accuracy: f64,
    /// The best MaxAccuracy of the pool.
    pub pool_best_max_accuracy: f64,
    /// Pool best minus found MaxAccuracy (≥ 0).
    pub regret: f64,
    /// 1 + the number of pool schemes with a higher MaxAccuracy.
    pub found_rank: usize,
    /// Whether the found scheme is the pool's best (rank 1).
    pub top1: bool,
    /// Whether its rank is within the top ceil(1% of the pool).
    pub top1_pct: bool,
    /// Whether its rank is within the top ceil(5% of the pool).
    pub top5_pct: bool,
    /// Whether the budget stopped the search.
    pub budget_hit: bool,
    /// `(cost, regret of the incumbent)` after each paid batch; the last
    /// point is the returned scheme.
    pub trajectory: Vec<(f64, f64)>,
    /// The largest regret of a top-1% scheme: the pool's best MaxAccuracy
    /// minus that of its ceil(1% of the pool)-th best.
    pub top1_pct_regret: f64,
}

/// Everything a study produced.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyResults {
    /// Strategy labels, in report order.
    pub strategies: Vec<String>,
    /// The cost model used.
    pub cost: CostKind,
    /// Records by strategy, then repeat, then fold.
    pub records: Vec<RunRecord>,
}

/// Independent seed for (study seed, repeat, stream): SplitMix64 steps, so
/// that neighbouring repeats do not get related streams.
fn derive_seed(seed: u64, repeat: u32, stream: u64) -> u64 {
    let mut z = seed;
    for v in [u64::from(repeat), stream] {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_add(v);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

const POOL_STREAM: u64 = 1;
const FOLD_STREAM: u64 = 2;

/// A stable stream number per strategy label (FNV-1a), so that a
/// strategy's draws do not depend on which others run beside it.
fn label_stream(label: &str) -> u64 {
    label.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The rows a repeat searches, and its two folds.
struct RepeatPlan<'a> {
    pool: Vec<&'a Row>,
    folds: [Vec<&'a Row>; 2],
}

fn plan<'a>(rows: &[&'a Row], pool: Pool, seed: u64, repeat: u32) -> RepeatPlan<'a> {
    let mut pool_rows: Vec<&Row> = match pool {
        Pool::All => rows.to_vec(),
        Pool::Sample(n) => {
            let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, repeat, POOL_STREAM));
            rand::seq::index::sample(&mut rng, rows.len(), n)
                .into_iter()
                .map(|i| rows[i])
                .collect()
        }
    };
    pool_rows.sort_by_key(|r| r.id);
    let mut shuffled = pool_rows.clone();
    shuffled.shuffle(&mut ChaCha8Rng::seed_from_u64(derive_seed(
        seed,
        repeat,
        FOLD_STREAM,
    )));
    let half = shuffled.len().div_ceil(2);
    let mut a = shuffled[..half].to_vec();
    let mut b = shuffled[half..].to_vec();
    a.sort_by_key(|r| r.id);
    b.sort_by_key(|r| r.id);
    RepeatPlan {
        pool: pool_rows,
        folds: [a, b],
    }
}

/// How many searches a study runs (for a progress bar): one per strategy
/// and repeat, two for a strategy that searches both folds.
pub fn run_count(config: &StudyValidConfig) -> Result<usize> {
    let per_repeat: usize = config
        .strategies()?
        .iter()
        .map(|s| if s.needs_known() { 2 } else { 1 })
        .sum();
    Ok(per_repeat * config.repeats() as usize)
}

/// Checks the settings that depend on the dataset (pool size, epochs, how
/// many schemes each strategy trains fully, the cost of every row) before
/// any search runs; [`run_study`] calls it first too.
pub fn check_study(dataset: &Dataset, cost: &CostModel, config: &StudyValidConfig) -> Result<()> {
    let rows = dataset.rows.len();
    let bad = |m: String| Err(Error::InvalidConfig(m));
    let pool = match config.pool() {
        Pool::All => rows,
        Pool::Sample(n) if n > rows => {
            return bad(format!("pool of {n} schemes but the dataset has {rows}"))
        }
        Pool::Sample(n) => n,
    };
    let epochs = dataset.num_epochs() as u32;
    if config.epochs_needed() > epochs {
        return bad(format!(
            "the study trains up to {} epochs but the curves have {epochs}",
            config.epochs_needed()
        ));
    }
    for (spec, s) in config.built()? {
        let searched = if s.needs_known() { pool / 2 } else { pool };
        let asks = spec.params().trains_fully();
        if asks > searched {
            return bad(format!(
                "{} trains {asks} schemes fully but searches a pool of {searched}",
                s.name()
            ));
        }
    }
    if config.cost() != cost.kind() {
        return bad(format!(
            "the study asks for cost '{}' but the cost model is '{}'",
            config.cost().name(),
            cost.kind().name()
        ));
    }
    for r in &dataset.rows {
        cost.per_epoch(r.id)?;
    }
    check_features(dataset, config)
}

/// An online search starts fitting its model once it has trained enough
/// schemes for it (9 for 9-NN); one that never trains that many before its
/// last refit would silently rank by the epoch-k accuracy alone.
fn check_online_models(config: &StudyValidConfig) -> Result<()> {
    use crate::strategy::{Known, StrategySpec};
    use naap_predict::models::{Regressor, RegressorSpec};
    for spec in &config.config().strategy {
        let (known, model, top_m) = match spec {
            StrategySpec::Predictor(p) => (&p.known, &p.model, p.top_m),
            StrategySpec::ZeroShot(z) => (&z.known, &z.model, z.top_m),
            _ => continue,
        };
        if !known.contains(&Known::Online) {
            continue;
        }
        let regressor = model
            .parse::<RegressorSpec>()
            .map_err(|e| Error::InvalidConfig(e.to_string()))?
            .build();
        let needs = regressor.min_rows();
        if needs >= top_m {
            return Err(Error::InvalidConfig(format!(
                "strategy '{spec}' under the online protocol: {} needs {needs} trained schemes \
                 to be fitted, but the search trains only {top_m} fully (--top-m), so it would \
                 never be fitted; raise --top-m above {needs} or use --known fold",
                regressor.name()
            )));
        }
    }
    Ok(())
}

/// Every feature a ranking strategy reads is a column of the dataset (a v2
/// feature on v1 data, a joined proxy column on a plain dataset): found here,
/// before a run folder is claimed, not when the first search needs it.
fn check_features(dataset: &Dataset, config: &StudyValidConfig) -> Result<()> {
    use crate::strategy::StrategySpec;
    use naap_predict::features::FeatureSet;
    let Some(row) = dataset.rows.first() else {
        return Ok(());
    };
    let named =
        |name: &str| FeatureSet::named(name).map_err(|e| Error::InvalidConfig(e.to_string()));
    let mut needed: Vec<(String, FeatureSet)> = Vec::new();
    match config.predictor() {
        Some(p) => needed.push(("the predictor file".to_string(), p.feature_set().clone())),
        None => {
            for spec in &config.config().strategy {
                match spec {
                    StrategySpec::Predictor(p) => {
                        let name = p.features.clone().unwrap_or_else(|| {
                            format!("Scheme + Quantitative {} epochs", p.k_epochs)
                        });
                        needed.push((format!("strategy '{spec}'"), named(&name)?));
                    }
                    StrategySpec::ZeroShot(z) => {
                        needed.push((format!("strategy '{spec}'"), named(&z.features)?));
                    }
                    _ => {}
                }
            }
        }
    }
    if config.predictor().is_none() {
        check_online_models(config)?;
    }
    for (who, set) in needed {
        for feature in set.features() {
            if let Err(e) = feature.value(row) {
                return Err(Error::InvalidConfig(format!(
                    "{who} reads {feature} ({}), which the dataset cannot give: {e}",
                    set.name()
                )));
            }
        }
    }
    Ok(())
}

/// Runs every strategy × repeat of `config` on the dataset's curves, in
/// parallel over searches; `on_search` is called after each search.
///
/// The output depends only on the inputs and the seed, never on the
/// number of threads: every search has its own seed and the records are
/// collected in a fixed order.
pub fn run_study(
    dataset: &Dataset,
    cost: &CostModel,
    config: &StudyValidConfig,
    on_search: &(dyn Fn() + Sync),
) -> Result<StudyResults> {
    check_study(dataset, cost, config)?;
    let strategies = config.strategies()?;
    let mut rows: Vec<&Row> = dataset.rows.iter().collect();
    rows.sort_by_key(|r| r.id);
    let plans: Vec<RepeatPlan> = (0..config.repeats())
        .map(|r| plan(&rows, config.pool(), config.seed(), r))
        .collect();
    let mut jobs = Vec::new();
    for (si, s) in strategies.iter().enumerate() {
        for repeat in 0..config.repeats() {
            if s.needs_known() {
                jobs.extend([(si, repeat, Some(0u8)), (si, repeat, Some(1u8))]);
            } else {
                jobs.push((si, repeat, None));
            }
        }
    }
    let records = jobs
        .par_iter()
        .map(|&(si, repeat, fold)| {
            let strategy = strategies[si].as_ref();
            let plan = &plans[repeat as usize];
            let (searched, known): (&[&Row], &[&Row]) = match fold {
                Some(f) => (&plan.folds[f as usize], &plan.folds[1 - f as usize]),
                None => (&plan.pool, &[]),
            };
            let stream = label_stream(strategy.name()) ^ u64::from(fold.unwrap_or(0));
            let ctx = SearchContext {
                seed: derive_seed(config.seed(), repeat, stream),
                known,
            };
            let mut source = TableSource::new(searched.iter().copied())?;
            let outcome = search(strategy, &mut source, cost, config.budget(), &ctx)?;
            let record = score(strategy.name(), repeat, fold, searched, cost, &outcome)?;
            on_search();
            Ok(record)
        })
        .collect::<Result<Vec<RunRecord>>>()?;
    Ok(StudyResults {
        strategies: strategies.iter().map(|s| s.name().to_owned()).collect(),
        cost: config.cost(),
        records,
    })
}

/// Scores a search against the truth of the rows it searched.
fn score(
    strategy: &str,
    repeat: u32,
    fold: Option<u8>,
    searched: &[&Row],
    cost: &CostModel,
    outcome: &SearchOutcome,
) -> Result<RunRecord> {
    let truth = |id: ModelId| {
        searched
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.max_accuracy)
            .ok_or_else(|| Error::InvalidInput(format!("ModelId {id} is not in the pool")))
    };
    let best = searched
        .iter()
        .map(|r| r.max_accuracy)
        .fold(f64::NEG_INFINITY, f64::max);
    let found = truth(outcome.found)?;
    let rank = 1 + searched.iter().filter(|r| r.max_accuracy > found).count();
    let n = searched.len();
    let top = |pct: usize| rank <= (n * pct).div_ceil(100);
    let mut sorted: Vec<f64> = searched.iter().map(|r| r.max_accuracy).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let top1_pct_regret = best - sorted[n.div_ceil(100).max(1) - 1];
    let mut exhaustive_cost = 0.0;
    for r in searched {
        exhaustive_cost += cost.per_epoch(r.id)? * r.epochs.len() as f64;
    }
    let mut trajectory = outcome
        .trajectory
        .iter()
        .map(|s| Ok((s.cost, best - truth(s.incumbent)?)))
        .collect::<Result<Vec<_>>>()?;
    trajectory.push((outcome.cost_spent, best - found));
    Ok(RunRecord {
        strategy: strategy.to_owned(),
        repeat,
        fold,
        pool_size: n,
        epochs_spent: outcome.epochs_spent,
        cost_spent: outcome.cost_spent,
        exhaustive_cost,
        found_model_id: outcome.found,
        found_max_accuracy: found,
        pool_best_max_accuracy: best,
        regret: best - found,
        found_rank: rank,
        top1: rank == 1,
        top1_pct: top(1),
        top5_pct: top(5),
        budget_hit: outcome.budget_hit,
        trajectory,
        top1_pct_regret,
    })
}
