//! The paper's baseline experiment: every model on every feature set, five
//! seeds each, scored by the median-violation run.
//!
//! Work is split into (model, feature set, seed) runs that rayon spreads over
//! all cores. Results are collected in index order, so the output never
//! depends on the thread count or scheduling; fitting randomness comes from
//! the per-run seed only.

mod job;

pub use job::{BaselineJob, BaselineReport, FINISHED, OUTPUTS};

use crate::features::FeatureSet;
use crate::protocol::{score_seed, Evaluation, SeedScore, TrainTest};
use crate::Regressor;
use crate::Result;
use naap_dataset::Dataset;
use rayon::prelude::*;

/// The number of epochs of a full training run in the paper's recipe; the
/// acceleration labels count epochs saved out of these.
pub const FULL_TRAINING_EPOCHS: u32 = 90;

// The cell type lives with the reports that draw it; re-exported here for
// callers that know it as a baseline result.
pub use crate::report::CellResult;

/// A (model, feature set) that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellFailure {
    /// Model display name.
    pub model: String,
    /// Feature-set display name.
    pub feature_set: String,
    /// The first failing seed.
    pub seed: u64,
    /// Why it failed.
    pub message: String,
}

/// Everything the baseline produced, in (model, feature set) order.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineResults {
    /// Evaluated cells, models outer, feature sets inner.
    pub cells: Vec<CellResult>,
    /// Cells that failed (a model that could not fit); the rest still ran.
    pub failures: Vec<CellFailure>,
}

/// What a baseline run used, written as `config.toml` beside its outputs so
/// the run can be repeated.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BaselineConfig {
    /// The dataset CSV.
    pub dataset: String,
    /// Fitting seeds, in order.
    pub seeds: Vec<u64>,
    /// Whether figures were drawn.
    pub figures: bool,
    /// Model names, in table order.
    pub models: Vec<String>,
    /// Feature sets, in table order.
    pub feature_sets: Vec<FeatureSetRecord>,
}

/// A feature set as written into `config.toml`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeatureSetRecord {
    /// Display name.
    pub name: String,
    /// Acceleration label.
    pub acceleration: String,
    /// Columns in order (`NumParams` and `NumMACs` enter as their logarithm).
    pub features: Vec<String>,
}

impl BaselineConfig {
    /// The record of a run over these models, sets and seeds.
    pub fn new(
        dataset: impl Into<String>,
        models: &[Box<dyn Regressor>],
        feature_sets: &[FeatureSet],
        seeds: &[u64],
        figures: bool,
    ) -> BaselineConfig {
        BaselineConfig {
            dataset: dataset.into(),
            seeds: seeds.to_vec(),
            figures,
            models: models.iter().map(|m| m.name().to_string()).collect(),
            feature_sets: feature_sets
                .iter()
                .map(|s| FeatureSetRecord {
                    name: s.name().to_string(),
                    acceleration: s.acceleration_label(FULL_TRAINING_EPOCHS),
                    features: s.features().iter().map(ToString::to_string).collect(),
                })
                .collect(),
        }
    }
}

/// How many (model, feature set, seed) runs [`run`] performs.
pub fn run_count(models: usize, feature_sets: usize, seeds: usize) -> usize {
    models * feature_sets * seeds
}

/// Models that share one fit: the `host` is fitted, every member (the host
/// included) is read off it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FitGroup {
    host: usize,
    members: Vec<usize>,
}

/// Groups the ensembles of one family under their largest member; every
/// other model is a group of its own. Groups come in model order.
fn fit_groups(specs: &[Box<dyn Regressor>]) -> Vec<FitGroup> {
    let mut groups: Vec<FitGroup> = Vec::new();
    for (m, spec) in specs.iter().enumerate() {
        let joined = spec.ensemble().and_then(|ensemble| {
            groups
                .iter_mut()
                .find(|g| {
                    specs[g.host]
                        .ensemble()
                        .is_some_and(|host| host.family == ensemble.family)
                })
                .map(|g| (g, ensemble.members))
        });
        match joined {
            Some((group, size)) => {
                group.members.push(m);
                if members(&*specs[group.host]) < Some(size) {
                    group.host = m;
                }
            }
            None => groups.push(FitGroup {
                host: m,
                members: vec![m],
            }),
        }
    }
    groups
}

/// The number of members of an ensemble regressor.
fn members(regressor: &dyn Regressor) -> Option<usize> {
    regressor.ensemble().map(|e| e.members)
}

/// Runs every model on every feature set with every seed on the published
/// split. `on_run_done` is called once per finished run, from any thread.
///
/// Bad input (a feature the dataset lacks) fails the whole call; a model
/// that fails to fit or predict fails only its cell.
///
/// Two shortcuts give the same results as fitting every run on its own, at
/// a fraction of the cost: a model whose fit ignores the seed
/// ([`Regressor::uses_seed`]) is fitted once per feature set and its run
/// copied to every seed; the ensembles of one family
/// ([`Regressor::ensemble`]) are fitted once at the largest size and
/// the smaller ones read off it ([`crate::FittedRegressor::predict_first`]).
pub fn run(
    dataset: &Dataset,
    specs: &[Box<dyn Regressor>],
    feature_sets: &[FeatureSet],
    seeds: &[u64],
    on_run_done: &(dyn Fn() + Sync),
) -> Result<BaselineResults> {
    if seeds.is_empty() {
        return Err(crate::Error::InvalidInput(
            "the baseline needs at least one seed".into(),
        ));
    }
    let splits = feature_sets
        .iter()
        .map(|set| TrainTest::published(dataset, set))
        .collect::<Result<Vec<_>>>()?;
    let (n_sets, n_seeds) = (feature_sets.len(), seeds.len());
    let groups = fit_groups(specs);
    // One job per fit: every seed of a seeded host, the first seed of the
    // others. Last groups first: the forests and boosters sit at the end of
    // the paper's list and are the longest jobs, so starting them first
    // keeps all cores busy to the end.
    let jobs: Vec<(&FitGroup, usize, usize)> = groups
        .iter()
        .rev()
        .flat_map(|g| {
            let fits = if specs[g.host].uses_seed() {
                n_seeds
            } else {
                1
            };
            (0..n_sets).flat_map(move |s| (0..fits).map(move |k| (g, s, k)))
        })
        .collect();
    let fitted: Vec<Vec<(usize, usize, usize, RunResult)>> = jobs
        .par_iter()
        .map(|&(group, s, k)| {
            let out = fit_group(specs, group, &splits[s], seeds[k]);
            let copies = if specs[group.host].uses_seed() {
                1
            } else {
                n_seeds
            };
            for _ in 0..copies * group.members.len() {
                on_run_done();
            }
            out.into_iter().map(|(m, r)| (m, s, k, r)).collect()
        })
        .collect();

    // Lay the runs out as (model, set, seed), copying seed-free fits.
    let mut runs: Vec<Option<RunResult>> = vec![None; run_count(specs.len(), n_sets, n_seeds)];
    for (m, s, k, result) in fitted.into_iter().flatten() {
        let at = |k: usize| (m * n_sets + s) * n_seeds + k;
        if specs[m].uses_seed() {
            runs[at(k)] = Some(result);
        } else {
            for (k, &seed) in seeds.iter().enumerate() {
                runs[at(k)] = Some(result.clone().map(|score| SeedScore { seed, ..score }));
            }
        }
    }

    let mut results = BaselineResults {
        cells: Vec::new(),
        failures: Vec::new(),
    };
    for (c, cell_runs) in runs.chunks(n_seeds).enumerate() {
        let (model, set) = (&specs[c / n_sets], &feature_sets[c % n_sets]);
        let split = &splits[c % n_sets];
        let mut per_seed = Vec::with_capacity(n_seeds);
        let mut failure = None;
        for (run, &seed) in cell_runs.iter().zip(seeds) {
            match run.as_ref().expect("every run is laid out") {
                Ok(score) => per_seed.push(score.clone()),
                Err(e) => {
                    failure = Some(CellFailure {
                        model: model.name().to_string(),
                        feature_set: set.name().to_string(),
                        seed,
                        message: e.clone(),
                    });
                    break;
                }
            }
        }
        match failure {
            Some(f) => results.failures.push(f),
            None => results.cells.push(CellResult {
                model: model.name().to_string(),
                feature_set: set.name().to_string(),
                acceleration: set.acceleration_label(FULL_TRAINING_EPOCHS),
                evaluation: Evaluation::from_runs(per_seed)?,
                y_test: split.y_test.clone(),
                test_model_ids: split.test_model_ids.clone(),
            }),
        }
    }
    Ok(results)
}

/// A run's score, or why the model could not be fitted or scored.
type RunResult = std::result::Result<SeedScore, String>;

/// Fits the group's host once with `seed` and scores every member.
fn fit_group(
    specs: &[Box<dyn Regressor>],
    group: &FitGroup,
    split: &TrainTest,
    seed: u64,
) -> Vec<(usize, RunResult)> {
    let host = &specs[group.host];
    let fitted = match host.fit(split.x_train.view(), split.y_train.view(), seed) {
        Ok(fitted) => fitted,
        Err(e) => {
            let message = e.to_string();
            return group
                .members
                .iter()
                .map(|&m| (m, Err(message.clone())))
                .collect();
        }
    };
    group
        .members
        .iter()
        .map(|&m| {
            let x = split.x_test.view();
            let predictions = match members(&*specs[m]) {
                // A host that is not an ensemble would make every member
                // predict as the host: refuse instead.
                Some(size) if m != group.host => {
                    fitted.predict_first(x, size).unwrap_or_else(|| {
                        Err(naap_models::Error::InvalidInput(format!(
                            "{} cannot predict with its first {size} members",
                            specs[group.host].name()
                        )))
                    })
                }
                _ => fitted.predict(x),
            };
            let scored = predictions
                .map_err(crate::Error::from)
                .and_then(|p| score_seed(specs[m].name(), split, seed, p, None))
                .map_err(|e| e.to_string());
            (m, scored)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::tests::{dataset, FirstColumn, SeedUse};
    use crate::protocol::PAPER_SEEDS;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn runs_every_cell_in_fixed_order_and_counts_progress() {
        let d = dataset();
        let models: [Box<dyn Regressor>; 2] = [
            Box::new(FirstColumn),
            Box::new(SeedUse(Box::new(FirstColumn), false)),
        ];
        let sets = vec![FeatureSet::scheme(), FeatureSet::scheme_quantitative(3)];
        let done = AtomicUsize::new(0);
        let r = run(&d, &models, &sets, &PAPER_SEEDS, &|| {
            done.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(done.load(Ordering::Relaxed), 20);
        assert!(r.failures.is_empty());
        let names: Vec<_> = r
            .cells
            .iter()
            .map(|c| (c.feature_set.as_str(), c.acceleration.as_str()))
            .collect();
        assert_eq!(names[0], ("Scheme", "100%"));
        assert_eq!(names[1], ("Scheme + Quantitative 3 epochs", "96.7%"));
        assert_eq!(r.cells.len(), 4);
        // The second model is declared seed-free: one fit copied to every seed.
        let copied = &r.cells[2].evaluation.per_seed;
        let seeds: Vec<u64> = copied.iter().map(|s| s.seed).collect();
        assert_eq!(seeds, PAPER_SEEDS);
        assert!(copied
            .iter()
            .all(|s| s.predictions == copied[0].predictions));
        assert_eq!(copied[0].seed, PAPER_SEEDS[0]);
        let seeded = &r.cells[0].evaluation.per_seed;
        assert_ne!(seeded[0].predictions, seeded[1].predictions);
        // Same result on one thread: collection order is index order.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let single = pool
            .install(|| run(&d, &models, &sets, &PAPER_SEEDS, &|| {}))
            .unwrap();
        assert_eq!(single, r);
    }

    struct Failing;
    impl Regressor for Failing {
        fn name(&self) -> &str {
            "failing"
        }
        fn fit(
            &self,
            _x: ndarray::ArrayView2<'_, f64>,
            _y: ndarray::ArrayView1<'_, f64>,
            _seed: u64,
        ) -> naap_models::Result<Box<dyn crate::FittedRegressor>> {
            Err(naap_models::Error::Fit {
                model: "failing".into(),
                message: "singular".into(),
            })
        }
    }

    #[test]
    fn a_failing_model_fails_only_its_cells() {
        let d = dataset();
        let models: [Box<dyn Regressor>; 2] = [Box::new(Failing), Box::new(FirstColumn)];
        let r = run(&d, &models, &[FeatureSet::scheme()], &[1, 2], &|| {}).unwrap();
        assert_eq!(r.cells.len(), 1);
        assert_eq!(r.cells[0].model, "first column");
        assert_eq!(r.failures.len(), 1);
        assert_eq!(r.failures[0].seed, 1);
        assert!(r.failures[0].message.contains("singular"));
    }

    #[test]
    fn missing_epochs_fail_the_call() {
        let d = dataset();
        let models: [Box<dyn Regressor>; 1] = [Box::new(FirstColumn)];
        let err = run(
            &d,
            &models,
            &[FeatureSet::scheme_quantitative(9)],
            &[1],
            &|| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("epoch 4"), "{err}");
    }

    #[test]
    fn ensembles_sharing_a_fit_score_as_if_fitted_alone() {
        let d = dataset();
        let sets = [FeatureSet::scheme_quantitative(3)];
        let seeds = [5, 6];
        let pick = |names: &[&str]| -> Vec<Box<dyn Regressor>> {
            crate::models::baseline_regressors()
                .into_iter()
                .filter(|s| names.contains(&s.name()))
                .collect()
        };
        let names = [
            "Gradient Boosting (N=25)",
            "AdaBoost (N=50)",
            "Gradient Boosting (N=100)",
            "AdaBoost (N=25)",
        ];
        let groups = fit_groups(&pick(&names));
        let hosts: Vec<(usize, usize)> = groups.iter().map(|g| (g.host, g.members.len())).collect();
        // Registry order: GB 25, GB 100, AdaBoost 25, AdaBoost 50.
        assert_eq!(hosts, [(1, 2), (3, 2)], "{groups:?}");
        let shared = run(&d, &pick(&names), &sets, &seeds, &|| {}).unwrap();
        assert_eq!(shared.cells.len(), 4);
        for cell in &shared.cells {
            let alone = run(&d, &pick(&[cell.model.as_str()]), &sets, &seeds, &|| {}).unwrap();
            assert_eq!(alone.cells, std::slice::from_ref(cell), "{}", cell.model);
        }
    }

    fn shared_csv() -> std::path::PathBuf {
        naap_testdata::naap440("naap440.csv")
    }

    #[test]
    fn deterministic_models_end_to_end_on_the_shared_csv() {
        let d = Dataset::read(&shared_csv()).unwrap();
        let specs: Vec<_> = crate::models::baseline_regressors()
            .into_iter()
            .filter(|s| !s.uses_seed())
            .collect();
        // k-NN x5, the three linear models, the three SVRs.
        assert_eq!(specs.len(), 11);
        let sets = FeatureSet::paper_sets();
        let once = run(&d, &specs, &sets, &PAPER_SEEDS, &|| {}).unwrap();
        assert!(once.failures.is_empty(), "{:?}", once.failures);
        assert_eq!(once.cells.len(), 44);
        for cell in &once.cells {
            let s = &cell.evaluation.reported().scores;
            assert_eq!((cell.y_test.len(), s.max_violations), (40, 780));
            assert!(
                s.mae > 0.0 && s.mae < 0.05,
                "{} {}: {}",
                cell.model,
                cell.feature_set,
                s.mae
            );
            assert!(s.violations < 200, "{} {}", cell.model, cell.feature_set);
            // All seeds tie on violations, so the reported run is index 2.
            assert_eq!(cell.evaluation.reported, 2);
        }
        // Fitting once per set gives what fitting every seed gives (checked on
        // the cheap models: k-NN and linear).
        let cheap: Vec<Box<dyn Regressor>> = crate::models::baseline_regressors()
            .into_iter()
            .take(8)
            .map(|m| Box::new(SeedUse(m, true)) as Box<dyn Regressor>)
            .collect();
        let every = run(&d, &cheap, &sets, &PAPER_SEEDS, &|| {}).unwrap();
        assert_eq!(every.cells, once.cells[..32]);
    }
}
