//! The full NAAP-440e search: one best-first search per (mode, model,
//! feature set), all of them in parallel, each subset scored with the
//! baseline's 5-seed median protocol on noisy predictions.

use super::config::SelectValidConfig;
use super::growths::SharedGrowths;
use super::score::final_score;
use super::search::{best_first, Evaluated, Flags, SearchConfig};
use super::seed;
use super::split::Mode;
use crate::features::FeatureSet;
use crate::protocol::{self, Evaluation, PredictionNoise, TrainTest};
use crate::report::CellResult;
use crate::{Error, Regressor, Result};
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

    /// Names of the features in `flags`, joined by `;` as in the published
    /// NAAP-440e file.
    pub fn subset_names_published(&self, flags: Flags) -> String {
        flags
            .indices()
            .map(|i| self.features[i].as_str())
            .collect::<Vec<_>>()
            .join(";")
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
    mode: usize,
    model: &'a dyn Regressor,
    set: usize,
}

/// A run's inputs prepared once: the feature sets, the scaled matrices of
/// every (mode, feature set) and the models of every mode. Made by
/// [`prepare`], which is also the cheap check that the dataset fits the
/// configuration; [`run_selection`] and [`best_cells`] reuse it.
pub struct Plan {
    sets: Vec<FeatureSet>,
    data: Vec<Vec<TrainTest>>,
    specs: Vec<Vec<Box<dyn Regressor>>>,
    /// Epochs of a full training run, for acceleration labels.
    total_epochs: u32,
}

impl Plan {
    fn new(dataset: &Dataset, config: &SelectValidConfig) -> Result<Plan> {
        let sets = config.feature_sets(dataset.format)?;
        let rows = protocol::sorted_rows(dataset);
        let (train, test) = protocol::published_split(&rows);
        let data = config
            .modes()
            .iter()
            .map(|mode| {
                let split = mode.split(&train, &test);
                sets.iter()
                    .map(|set| TrainTest::build(&split.train, &split.test, set))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        let specs = config
            .modes()
            .iter()
            .map(|&m| config.models_for(m))
            .collect();
        let total_epochs = dataset
            .rows
            .iter()
            .map(|r| r.epochs.len())
            .max()
            .unwrap_or(0);
        Ok(Plan {
            sets,
            data,
            specs,
            total_epochs: u32::try_from(total_epochs).unwrap_or(u32::MAX),
        })
    }

    /// Every search, in output order: mode, model, feature set.
    fn jobs(&self) -> Vec<Job<'_>> {
        let mut jobs = Vec::new();
        for (mode, specs) in self.specs.iter().enumerate() {
            for model in specs {
                jobs.extend((0..self.sets.len()).map(|set| Job { mode, model, set }));
            }
        }
        jobs
    }
}

/// Runs every search of `config` on `dataset` and returns the results in a
/// fixed order (mode, model, feature set as configured), whatever the
/// thread count. Searches already in `done` (from an interrupted run, same
/// config) are not run again.
pub fn run_selection(
    prepared: &Plan,
    config: &SelectValidConfig,
    done: &[SearchResult],
    on_event: &(dyn Fn(SelectEvent<'_>) + Sync),
) -> Result<Vec<SearchResult>> {
    let jobs = prepared.jobs();
    let finished = |job: &Job<'_>| {
        let (mode, set) = (config.modes()[job.mode], &prepared.sets[job.set]);
        done.iter()
            .find(|r| r.mode == mode && r.model == job.model.name() && r.feature_set == set.name())
    };
    // One set of shared growths per (mode, feature set), for the searches
    // still to run there.
    let shared: Vec<Vec<SharedGrowths>> = (0..config.modes().len())
        .map(|mode| {
            (0..prepared.sets.len())
                .map(|set| {
                    let searches: Vec<&dyn Regressor> = jobs
                        .iter()
                        .filter(|j| j.mode == mode && j.set == set && finished(j).is_none())
                        .map(|j| j.model)
                        .collect();
                    SharedGrowths::new(&searches)
                })
                .collect()
        })
        .collect();
    jobs.par_iter()
        .map(|job| {
            if let Some(r) = finished(job) {
                return Ok(r.clone());
            }
            let mode = config.modes()[job.mode];
            let set = &prepared.sets[job.set];
            let data = &prepared.data[job.mode][job.set];
            let shared = &shared[job.mode][job.set];
            let search = Search {
                mode,
                spec: job.model,
                set,
                data,
                shared,
            };
            let result = search.run(config, on_event)?;
            shared.finished(job.model);
            on_event(SelectEvent::SearchFinished(&result));
            Ok(result)
        })
        .collect()
}

/// Prepares every (mode, feature set) of `config` from `dataset` once:
/// fails, before any search or output, if the dataset lacks what they need
/// (enough epochs, the format's columns, train and test rows).
pub fn prepare(dataset: &Dataset, config: &SelectValidConfig) -> Result<Plan> {
    Plan::new(dataset, config)
}

/// The seed of one search's random choices, from its identity alone.
fn search_seed(config: &SelectValidConfig, mode: Mode, model: &str, set: &str) -> u64 {
    seed::mix(&[
        config.seed(),
        seed::name_hash(mode.name()),
        seed::name_hash(model),
        seed::name_hash(&seed_name(set)),
    ])
}

/// The name a feature set's search seed is drawn from: the NAAP-440e name the
/// search used before the sets were renamed `Scheme6`/`Scheme8` (issue 10), so
/// that a seed still gives the searches, and the noise, of earlier runs.
fn seed_name(set: &str) -> String {
    for prefix in ["Scheme6", "Scheme8"] {
        if let Some(rest) = set.strip_prefix(prefix) {
            return format!("Scheme{rest}");
        }
    }
    set.to_string()
}

/// The 5-seed protocol on one subset's columns, with noise seeded by the
/// subset, so the result never depends on when it runs. An ensemble whose
/// family shares growths in `shared` reads its predictions from them; they
/// equal its own fit's.
fn evaluate_subset(
    spec: &dyn Regressor,
    data: &TrainTest,
    flags: Flags,
    search_seed: u64,
    config: &SelectValidConfig,
    shared: Option<&SharedGrowths>,
) -> Result<Evaluation> {
    let columns: Vec<usize> = flags.indices().collect();
    let subset = TrainTest {
        x_train: data.x_train.select(Axis(1), &columns),
        y_train: data.y_train.clone(),
        x_test: data.x_test.select(Axis(1), &columns),
        y_test: data.y_test.clone(),
        test_model_ids: data.test_model_ids.clone(),
    };
    let noise = PredictionNoise {
        std_dev: config.noise_std(),
        seed: seed::mix(&[search_seed, flags.bits()]),
    };
    let Some(shared) = shared.filter(|s| s.shares(spec)) else {
        return protocol::evaluate_spec(spec, &subset, config.fit_seeds(), Some(noise));
    };
    let runs = config
        .fit_seeds()
        .iter()
        .map(|&seed| {
            let predictions = shared.predict(spec, flags, seed, &subset)?;
            protocol::score_seed(spec.name(), &subset, seed, predictions, Some(noise))
        })
        .collect::<Result<Vec<_>>>()?;
    Evaluation::from_runs(runs)
}

/// One search: a model on one mode and feature set.
struct Search<'a> {
    mode: Mode,
    spec: &'a dyn Regressor,
    set: &'a FeatureSet,
    data: &'a TrainTest,
    shared: &'a SharedGrowths,
}

impl Search<'_> {
    fn run(
        &self,
        config: &SelectValidConfig,
        on_event: &(dyn Fn(SelectEvent<'_>) + Sync),
    ) -> Result<SearchResult> {
        let (mode, spec, set) = (self.mode, self.spec, self.set);
        let seed = search_seed(config, mode, spec.name(), set.name());
        let search = SearchConfig::new(set.features().len(), seed)?;
        let evaluate = |flags: Flags| -> Result<(f64, SubsetScore)> {
            let eval = evaluate_subset(spec, self.data, flags, seed, config, Some(self.shared))?;
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
            mode,
            model: spec.name().to_owned(),
            feature_set: set.name().to_owned(),
            features: set.features().iter().map(ToString::to_string).collect(),
            evaluated,
        })
    }
}

/// The best subset of each search re-evaluated in full (predictions
/// included, identical to the search's), as baseline cells for the
/// baseline's figures. The cell's feature-set name carries the mode and the
/// subset size, e.g. `left-extrapolation Scheme8+Quant.3 best 7 of 17`.
pub fn best_cells(
    prepared: &Plan,
    config: &SelectValidConfig,
    results: &[SearchResult],
) -> Result<Vec<CellResult>> {
    results
        .par_iter()
        .map(|r| {
            let missing = || {
                Error::InvalidInput(format!(
                    "{} / {} / {} is not in this run's plan",
                    r.mode, r.model, r.feature_set
                ))
            };
            let mi = config
                .modes()
                .iter()
                .position(|&m| m == r.mode)
                .ok_or_else(missing)?;
            let si = prepared
                .sets
                .iter()
                .position(|s| s.name() == r.feature_set)
                .ok_or_else(missing)?;
            let spec = prepared.specs[mi]
                .iter()
                .find(|s| s.name() == r.model)
                .ok_or_else(missing)?;
            let data = &prepared.data[mi][si];
            let best = r.best();
            let seed = search_seed(config, r.mode, &r.model, &r.feature_set);
            let evaluation = evaluate_subset(spec, data, best.flags, seed, config, None)?;
            Ok(CellResult {
                model: r.model.clone(),
                feature_set: format!(
                    "{} {} best {} of {}",
                    r.mode,
                    r.feature_set,
                    best.flags.count(),
                    r.features.len()
                ),
                acceleration: prepared.sets[si].acceleration_label(prepared.total_epochs),
                evaluation,
                y_test: data.y_test.clone(),
                test_model_ids: data.test_model_ids.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::config::SelectConfig;
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn shared_v2() -> Dataset {
        Dataset::read(&naap_testdata::naap440("naap440v2.csv")).expect("shared naap440v2.csv")
    }

    /// Issue 10 renamed the search's sets; their seeds must not move with
    /// the names, or a seed no longer reproduces earlier searches.
    #[test]
    fn renamed_sets_keep_their_search_seeds() {
        assert_eq!(seed_name("Scheme8"), "Scheme");
        assert_eq!(seed_name("Scheme6"), "Scheme");
        assert_eq!(seed_name("Scheme8+Quant.3"), "Scheme+Quant.3");
        assert_eq!(seed_name("Scheme6+Quant.9"), "Scheme+Quant.9");
        assert_eq!(seed_name("Scheme + ZeroCost"), "Scheme + ZeroCost");
    }

    #[test]
    fn searches_the_shared_dataset_deterministically_and_resumes() {
        let data = shared_v2();
        let config = SelectConfig {
            modes: vec![Mode::Interpolation, Mode::DualExtrapolation],
            models: vec![naap_models::RegressorSpec::LinearRegression],
            epochs: vec![0],
            ..SelectConfig::default()
        }
        .validate()
        .unwrap();
        let plan = prepare(&data, &config).unwrap();
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
        let on = |threads, done: &[SearchResult]| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| run_selection(&plan, &config, done, &on_event).unwrap())
        };
        let one = on(1, &[]);
        let modes: Vec<Mode> = one.iter().map(|r| r.mode).collect();
        assert_eq!(modes, [Mode::Interpolation, Mode::DualExtrapolation]);
        let max: Vec<usize> = one.iter().map(|r| r.full().value.max_violations).collect();
        assert_eq!(max, [780, 190]);
        for r in &one {
            assert_eq!(r.features.len(), 8);
            assert_eq!(r.full().flags, Flags::all(8));
            assert!(r.evaluated.len() > 8 && r.evaluated.len() <= 255);
            assert!(r.best().score <= r.full().score);
        }
        let total: usize = one.iter().map(|r| r.evaluated.len()).sum();
        assert_eq!(count.load(Ordering::Relaxed), total);
        assert_eq!(finished.load(Ordering::Relaxed), 2);
        // A resumed run reuses the finished search and redoes the other.
        let resumed = on(2, &one[..1]);
        assert_eq!(resumed, one);
        assert_eq!(finished.load(Ordering::Relaxed), 3);

        // The full set agrees with the noise-free protocol within the noise.
        let set = super::super::config::feature_set(data.format, 0).unwrap();
        let tt = TrainTest::published(&data, &set).unwrap();
        let model = crate::models::LinearRegression;
        let clean = protocol::evaluate(&model, &tt, &protocol::PAPER_SEEDS, None).unwrap();
        let full = &one[0].full().value;
        assert!((full.mae - clean.reported().scores.mae).abs() < 1e-4);
        assert!(full.mae > 0.005 && full.mae < 0.2, "{}", full.mae);

        // Figures' cells reproduce the best subsets' scores exactly.
        let cells = best_cells(&plan, &config, &one).unwrap();
        for (cell, r) in cells.iter().zip(&one) {
            let s = &cell.evaluation.reported().scores;
            assert_eq!(
                (s.mae, s.violations),
                (r.best().value.mae, r.best().value.violations)
            );
        }
    }

    /// The sizes of a forest share their growths: searched together, on 1
    /// or 2 threads, each finds what it finds searched alone, bit for bit.
    #[test]
    fn forest_sizes_searched_together_match_each_searched_alone() {
        let data = shared_v2();
        let forests = [
            naap_models::RegressorSpec::RandomForest { trees: 25 },
            naap_models::RegressorSpec::RandomForest { trees: 50 },
        ];
        let config = |models: &[naap_models::RegressorSpec]| {
            SelectConfig {
                modes: vec![Mode::Interpolation],
                models: models.to_vec(),
                epochs: vec![0],
                fit_seeds: vec![7, 8],
                ..SelectConfig::default()
            }
            .validate()
            .unwrap()
        };
        let run = |config: &SelectValidConfig, threads| {
            let plan = prepare(&data, config).unwrap();
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run_selection(&plan, config, &[], &|_| {}).unwrap())
        };
        let together = config(&forests);
        let one_thread = run(&together, 1);
        assert_eq!(run(&together, 2), one_thread);
        for (search, spec) in one_thread.iter().zip(&forests) {
            let alone = run(&config(std::slice::from_ref(spec)), 1);
            assert_eq!(alone.len(), 1);
            assert_eq!(&alone[0], search, "{spec}");
        }
        // The two searches did meet subsets in common, or nothing was shared.
        let flags = |r: &SearchResult| r.evaluated.iter().map(|e| e.flags).collect::<Vec<_>>();
        let common = flags(&one_thread[0])
            .iter()
            .filter(|f| flags(&one_thread[1]).contains(f))
            .count();
        assert!(common > 8, "{common} subsets in common");
    }

    #[test]
    fn seed_independent_families_really_ignore_the_seed() {
        let data = shared_v2();
        let set = super::super::config::feature_set(data.format, 1).unwrap();
        let tt = TrainTest::published(&data, &set).unwrap();
        for spec in crate::models::extended_regressors() {
            if spec.uses_seed() {
                continue;
            }
            let predict = |seed| {
                spec.fit(tt.x_train.view(), tt.y_train.view(), seed)
                    .and_then(|f| f.predict(tt.x_test.view()))
                    .unwrap()
            };
            assert_eq!(predict(1), predict(20220909), "{}", spec.name());
        }
    }
}
