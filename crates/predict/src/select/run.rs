//! The full NAAP-440e search: one best-first search per (mode, model,
//! feature set), all of them in parallel, each subset scored with the
//! baseline's 5-seed median protocol on noisy predictions.

use super::config::SelectValidConfig;
use super::score::final_score;
use super::search::{best_first, Evaluated, Flags, SearchConfig};
use super::seed;
use super::split::Mode;
use crate::features::FeatureSet;
use crate::models::ModelSpec;
use crate::protocol::{self, PredictionNoise, TrainTest};
use crate::Result;
use naap_dataset::Dataset;
use ndarray::Axis;
use rayon::prelude::*;

/// The reported (median-violation) run of one subset.
#[derive(Debug, Clone, PartialEq)]
pub struct SubsetScore {
    /// Mean absolute error on the test rows.
    pub mae: f64,
    /// Order violations among the test rows.
    pub violations: usize,
    /// C(number of test rows, 2).
    pub max_violations: usize,
    /// `1 − violations / max_violations`.
    pub monotonicity: f64,
    /// The fitting seed of the reported run.
    pub reported_seed: u64,
}

/// Every subset one search evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// The split mode.
    pub mode: Mode,
    /// The model's display name.
    pub model: String,
    /// The feature set's name.
    pub feature_set: String,
    /// The feature set's column names, in flag order.
    pub features: Vec<String>,
    /// Evaluated subsets in evaluation order; the first is the full set.
    pub evaluated: Vec<Evaluated<SubsetScore>>,
}

impl SearchResult {
    /// The full feature set's evaluation.
    pub fn full(&self) -> &Evaluated<SubsetScore> {
        &self.evaluated[0]
    }

    /// The best subset: lowest score, then fewest features, then first evaluated.
    pub fn best(&self) -> &Evaluated<SubsetScore> {
        self.evaluated
            .iter()
            .min_by(|a, b| {
                a.score
                    .total_cmp(&b.score)
                    .then(a.flags.count().cmp(&b.flags.count()))
            })
            .expect("a search evaluates at least the full set")
    }

    /// Names of the features in `flags`, joined by `+`.
    pub fn subset_names(&self, flags: Flags) -> String {
        flags
            .indices()
            .map(|i| self.features[i].as_str())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// What the search reports while it runs.
#[derive(Debug)]
pub enum SelectEvent<'a> {
    /// One more subset was evaluated.
    SubsetEvaluated,
    /// A whole search finished (in any order; results are re-sorted at the end).
    SearchFinished(&'a SearchResult),
}

/// One search to run.
struct Job<'a> {
    mode: Mode,
    model: &'a ModelSpec,
    set: usize,
}

/// Runs every search of `config` on `dataset` and returns the results in a
/// fixed order (mode, model, feature set as configured), whatever the
/// thread count. Searches already in `done` (from an interrupted run, same
/// config) are not run again.
pub fn run_selection(
    dataset: &Dataset,
    config: &SelectValidConfig,
    done: &[SearchResult],
    on_event: &(dyn Fn(SelectEvent<'_>) + Sync),
) -> Result<Vec<SearchResult>> {
    let sets = config.feature_sets(dataset.format)?;
    let rows = protocol::sorted_rows(dataset);
    let (train, test) = protocol::published_split(&rows);
    let data: Vec<Vec<TrainTest>> = config
        .modes()
        .iter()
        .map(|mode| {
            let split = mode.split(&train, &test);
            sets.iter()
                .map(|set| TrainTest::build(&split.train, &split.test, set))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;
    let specs: Vec<Vec<ModelSpec>> = config
        .modes()
        .iter()
        .map(|&m| config.models_for(m))
        .collect();
    let mut jobs: Vec<(usize, Job<'_>)> = Vec::new();
    for (mi, &mode) in config.modes().iter().enumerate() {
        for model in &specs[mi] {
            jobs.extend((0..sets.len()).map(|set| (mi, Job { mode, model, set })));
        }
    }
    jobs.par_iter()
        .map(|(mi, job)| {
            let set = &sets[job.set];
            let key = |r: &SearchResult| {
                r.mode == job.mode && r.model == job.model.name() && r.feature_set == set.name()
            };
            if let Some(r) = done.iter().find(|r| key(r)) {
                return Ok(r.clone());
            }
            let result = search_one(job, set, &data[*mi][job.set], config, on_event)?;
            on_event(SelectEvent::SearchFinished(&result));
            Ok(result)
        })
        .collect()
}

fn search_one(
    job: &Job<'_>,
    set: &FeatureSet,
    data: &TrainTest,
    config: &SelectValidConfig,
    on_event: &(dyn Fn(SelectEvent<'_>) + Sync),
) -> Result<SearchResult> {
    let model = job.model.regressor();
    let search_seed = seed::mix(&[
        config.seed(),
        seed::name_hash(job.mode.name()),
        seed::name_hash(model.name()),
        seed::name_hash(set.name()),
    ]);
    let search = SearchConfig::new(set.features().len(), search_seed)?;
    let evaluate = |flags: Flags| -> Result<(f64, SubsetScore)> {
        let columns: Vec<usize> = flags.indices().collect();
        let subset = TrainTest {
            x_train: data.x_train.select(Axis(1), &columns),
            y_train: data.y_train.clone(),
            x_test: data.x_test.select(Axis(1), &columns),
            y_test: data.y_test.clone(),
            test_model_ids: data.test_model_ids.clone(),
        };
        // The noise seed depends on the subset only, never on when it runs.
        let noise = PredictionNoise {
            std_dev: config.noise_std(),
            seed: seed::mix(&[search_seed, flags.bits()]),
        };
        let eval = protocol::evaluate(model, &subset, config.fit_seeds(), Some(noise))?;
        let run = eval.reported();
        let s = &run.scores;
        let score = final_score(s.mae, s.violations, s.max_violations);
        Ok((
            score,
            SubsetScore {
                mae: s.mae,
                violations: s.violations,
                max_violations: s.max_violations,
                monotonicity: s.monotonicity,
                reported_seed: run.seed,
            },
        ))
    };
    let evaluated = best_first(&search, evaluate, &|| {
        on_event(SelectEvent::SubsetEvaluated)
    })?;
    Ok(SearchResult {
        mode: job.mode,
        model: model.name().to_owned(),
        feature_set: set.name().to_owned(),
        features: set.features().iter().map(ToString::to_string).collect(),
        evaluated,
    })
}

#[cfg(test)]
mod tests {
    use super::super::config::SelectConfig;
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn shared_v2() -> Dataset {
        let dir = match std::env::var_os("NAAP_SHARED_DIR") {
            Some(d) => PathBuf::from(d),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        };
        Dataset::read(&dir.join("naap440/naap440v2.csv")).expect("shared naap440v2.csv")
    }

    fn linear_scheme_config() -> SelectValidConfig {
        SelectConfig {
            models: vec!["Linear Regression".into()],
            epochs: vec![0],
            ..SelectConfig::default()
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn searches_every_mode_on_the_shared_dataset_deterministically() {
        let data = shared_v2();
        let config = linear_scheme_config();
        let count = AtomicUsize::new(0);
        let finished = AtomicUsize::new(0);
        let on_event = |e: SelectEvent<'_>| match e {
            SelectEvent::SubsetEvaluated => {
                count.fetch_add(1, Ordering::Relaxed);
            }
            SelectEvent::SearchFinished(_) => {
                finished.fetch_add(1, Ordering::Relaxed);
            }
        };
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| run_selection(&data, &config, &[], &on_event).unwrap())
        };
        let one = on(1);
        let modes: Vec<Mode> = one.iter().map(|r| r.mode).collect();
        assert_eq!(modes, Mode::ALL);
        let max: Vec<usize> = one.iter().map(|r| r.full().value.max_violations).collect();
        assert_eq!(max, [780, 190, 190, 190]);
        for r in &one {
            assert_eq!(r.features.len(), 8);
            assert_eq!(r.full().flags, Flags::all(8));
            assert!(r.evaluated.len() > 8 && r.evaluated.len() <= 255);
            assert!(r.best().score <= r.full().score);
        }
        let total: usize = one.iter().map(|r| r.evaluated.len()).sum();
        assert_eq!(count.load(Ordering::Relaxed), total);
        assert_eq!(finished.load(Ordering::Relaxed), 4);
        assert_eq!(one, on(2));
        // Resuming from finished searches reuses them as they are.
        let resumed = on(2);
        let again = run_selection(&data, &config, &resumed[..2], &|_| {}).unwrap();
        assert_eq!(again, one);
    }

    #[test]
    fn full_set_matches_the_noise_free_protocol_within_the_noise() {
        let data = shared_v2();
        let config = linear_scheme_config();
        let results = run_selection(&data, &config, &[], &|_| {}).unwrap();
        let set = super::super::config::feature_set(data.format, 0).unwrap();
        let tt = TrainTest::published(&data, &set).unwrap();
        let model = crate::models::LinearRegression;
        let clean = protocol::evaluate(&model, &tt, &protocol::PAPER_SEEDS, None).unwrap();
        let full = &results[0].full().value;
        // Noise of std 1e-5 moves the MAE by far less than 1e-4.
        assert!((full.mae - clean.reported().scores.mae).abs() < 1e-4);
        assert!(full.mae > 0.005 && full.mae < 0.2, "{}", full.mae);
    }
}
