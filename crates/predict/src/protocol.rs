//! The paper's evaluation protocol, as reusable pieces.
//!
//! 1. Rows are sorted by MaxAccuracy (stable: ties keep file order), then
//!    split into the published train and test rows ([`sorted_rows`],
//!    [`published_split`]).
//! 2. A feature set turns rows into matrices; a [`StandardScaler`] is fitted
//!    on the train rows only and applied to both sides ([`TrainTest`]).
//! 3. A model is fitted and scored once per seed ([`evaluate_seed`]); the
//!    reported run is the seed with the median violation count: the seeds
//!    sorted by violations (stable), index `len / 2` (index 2 of the paper's
//!    5 seeds, [`median_index`]).
//!
//! Optional Gaussian noise on the predictions ([`PredictionNoise`]) breaks
//! prediction ties so that they count as violations half the time, as the
//! NAAP-440e feature search wants.

use crate::features::FeatureSet;
use crate::metrics::Scores;
use crate::models::StandardScaler;
use crate::{Error, Regressor, Result};
use naap_dataset::{Dataset, Row};
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

/// The paper's five seeds, 20220905..=20220909.
pub const PAPER_SEEDS: [u64; 5] = [20220905, 20220906, 20220907, 20220908, 20220909];

/// The dataset's rows sorted by MaxAccuracy, ties in file order.
pub fn sorted_rows(dataset: &Dataset) -> Vec<&Row> {
    let mut rows: Vec<&Row> = dataset.rows.iter().collect();
    sort_by_accuracy(&mut rows);
    rows
}

/// Sorts rows by MaxAccuracy, ties kept in their order: the row order
/// every experiment fits in (tree splits and k-NN ties depend on it).
pub fn sort_by_accuracy(rows: &mut [&Row]) {
    // `sort_by` is stable, which keeps tied rows in their order.
    rows.sort_by(|a, b| a.max_accuracy.total_cmp(&b.max_accuracy));
}

/// Splits rows into (train, test) by their `IsTest` flag, keeping order.
pub fn published_split<'a>(rows: &[&'a Row]) -> (Vec<&'a Row>, Vec<&'a Row>) {
    rows.iter().partition(|r| !r.is_test)
}

/// The train rows as every model is fitted on them: the feature matrix
/// scaled by a [`StandardScaler`] fitted on these rows only, and the
/// targets. [`TrainTest`] and [`crate::predictor::Predictor`] both start
/// here, so an experiment and a saved predictor see the same numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The scaler, fitted on the train rows.
    pub scaler: StandardScaler,
    /// Scaled train features (rows × features).
    pub x: Array2<f64>,
    /// Train targets (MaxAccuracy).
    pub y: Array1<f64>,
}

impl Prepared {
    /// Builds the scaled matrix of `set` for `train`, in the given order.
    pub fn fit(train: &[&Row], set: &FeatureSet) -> Result<Prepared> {
        if train.len() > MAX_ROWS {
            return Err(Error::InvalidInput(format!(
                "{} train rows is more than the {MAX_ROWS} the regressors are run on; \
                 sample the dataset first",
                train.len()
            )));
        }
        let raw = set.matrix(train)?;
        let scaler = StandardScaler::fit(raw.view())?;
        Ok(Prepared {
            x: scaler.transform(raw.view())?,
            y: train.iter().map(|r| r.max_accuracy).collect(),
            scaler,
        })
    }
}

/// Scaled train and test matrices with their targets, ready for any model.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainTest {
    /// Scaled train features (rows × features).
    pub x_train: Array2<f64>,
    /// Train targets (MaxAccuracy).
    pub y_train: Array1<f64>,
    /// Scaled test features.
    pub x_test: Array2<f64>,
    /// Test targets (MaxAccuracy).
    pub y_test: Vec<f64>,
    /// `ModelId` of each test row, in row order.
    pub test_model_ids: Vec<u32>,
}

/// The most rows an experiment fits on. NAAP-440 has 440; SVR, kernel
/// ridge and the Gaussian process scale with the square or cube of the rows,
/// so far larger tables are refused with a reason instead of an unbounded
/// wait.
pub const MAX_ROWS: usize = 20_000;

impl TrainTest {
    /// Builds the matrices of `set` for the given rows, the scaler fitted on
    /// `train` only.
    pub fn build(train: &[&Row], test: &[&Row], set: &FeatureSet) -> Result<TrainTest> {
        if train.is_empty() || test.is_empty() {
            return Err(Error::InvalidInput(format!(
                "a split needs train and test rows, got {} and {}",
                train.len(),
                test.len()
            )));
        }
        if train.len() + test.len() > MAX_ROWS {
            return Err(Error::InvalidInput(format!(
                "{} rows is more than the {MAX_ROWS} the regressors are run on: the kernel \
                 models and the Gaussian process grow with the square or cube of the rows, \
                 so the run would not finish; sample the dataset first",
                train.len() + test.len()
            )));
        }
        let Prepared { scaler, x, y } = Prepared::fit(train, set)?;
        Ok(TrainTest {
            x_train: x,
            y_train: y,
            x_test: scaler.transform(set.matrix(test)?.view())?,
            y_test: test.iter().map(|r| r.max_accuracy).collect(),
            test_model_ids: test.iter().map(|r| r.id.get()).collect(),
        })
    }

    /// The paper's split: sorted rows, published train/test flags.
    pub fn published(dataset: &Dataset, set: &FeatureSet) -> Result<TrainTest> {
        let rows = sorted_rows(dataset);
        let (train, test) = published_split(&rows);
        TrainTest::build(&train, &test, set)
    }
}

/// Gaussian noise added to every prediction before scoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PredictionNoise {
    /// Standard deviation of the noise.
    pub std_dev: f64,
    /// Noise seed; the stream is picked by the fitting seed, so each
    /// (noise seed, fitting seed) pair draws its own numbers regardless of
    /// evaluation order.
    pub seed: u64,
}

/// One fitted-and-scored run.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedScore {
    /// The fitting seed.
    pub seed: u64,
    /// Predictions on the test rows (noise included, if any).
    pub predictions: Vec<f64>,
    /// Their scores.
    pub scores: Scores,
}

/// Fits `model` on the train rows with `seed`, predicts the test rows and
/// scores the prediction.
pub fn evaluate_seed(
    model: &dyn Regressor,
    data: &TrainTest,
    seed: u64,
    noise: Option<PredictionNoise>,
) -> Result<SeedScore> {
    let fitted = model.fit(data.x_train.view(), data.y_train.view(), seed)?;
    let predictions = fitted.predict(data.x_test.view())?;
    score_seed(model.name(), data, seed, predictions, noise)
}

/// Scores `predictions` of the test rows made by `model` fitted with
/// `seed`: adds the seed's noise, if any, then computes the metrics. The
/// second half of [`evaluate_seed`], for callers that obtain predictions
/// another way (e.g. a prefix of a larger ensemble).
pub fn score_seed(
    model: &str,
    data: &TrainTest,
    seed: u64,
    mut predictions: Vec<f64>,
    noise: Option<PredictionNoise>,
) -> Result<SeedScore> {
    if predictions.len() != data.y_test.len() {
        return Err(Error::InvalidInput(format!(
            "{model} predicted {} values for {} test rows",
            predictions.len(),
            data.y_test.len()
        )));
    }
    if let Some(noise) = noise {
        let normal = Normal::new(0.0, noise.std_dev)
            .map_err(|e| Error::InvalidInput(format!("noise std {}: {e}", noise.std_dev)))?;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(noise.seed);
        rng.set_stream(seed);
        for p in &mut predictions {
            *p += normal.sample(&mut rng);
        }
    }
    let scores = Scores::compute(&data.y_test, &predictions)
        .map_err(|e| Error::InvalidInput(format!("scoring {model} (seed {seed}): {e}")))?;
    Ok(SeedScore {
        seed,
        predictions,
        scores,
    })
}

/// The index of the reported run: runs sorted by violations (stable), the
/// middle one (`len / 2`, the upper middle for an even count).
pub fn median_index(violations: &[usize]) -> usize {
    let mut order: Vec<usize> = (0..violations.len()).collect();
    order.sort_by_key(|&i| violations[i]);
    order[violations.len() / 2]
}

/// Min, median and max of a metric over the seeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Smallest value.
    pub min: f64,
    /// Median (the mean of the two middle values for an even count).
    pub median: f64,
    /// Largest value.
    pub max: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Spread {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        Spread {
            min: values[0],
            median,
            max: values[n - 1],
        }
    }
}

/// All runs of one (model, split), and the reported one.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// One run per seed, in seed order.
    pub per_seed: Vec<SeedScore>,
    /// Index into `per_seed` of the reported run (see [`median_index`]).
    pub reported: usize,
}

impl Evaluation {
    /// Collects runs (in seed order) and picks the reported one.
    pub fn from_runs(per_seed: Vec<SeedScore>) -> Result<Evaluation> {
        if per_seed.is_empty() {
            return Err(Error::InvalidInput(
                "an evaluation needs at least one seed".into(),
            ));
        }
        let v: Vec<usize> = per_seed.iter().map(|s| s.scores.violations).collect();
        Ok(Evaluation {
            reported: median_index(&v),
            per_seed,
        })
    }

    /// The reported run.
    pub fn reported(&self) -> &SeedScore {
        &self.per_seed[self.reported]
    }

    /// MAE over the seeds.
    pub fn mae_spread(&self) -> Spread {
        Spread::of(self.per_seed.iter().map(|s| s.scores.mae).collect())
    }

    /// Violations over the seeds.
    pub fn violation_spread(&self) -> Spread {
        Spread::of(
            self.per_seed
                .iter()
                .map(|s| s.scores.violations as f64)
                .collect(),
        )
    }
}

/// Runs [`evaluate_seed`] for every seed, in order, and picks the reported run.
pub fn evaluate(
    model: &dyn Regressor,
    data: &TrainTest,
    seeds: &[u64],
    noise: Option<PredictionNoise>,
) -> Result<Evaluation> {
    let runs = seeds
        .iter()
        .map(|&seed| evaluate_seed(model, data, seed, noise))
        .collect::<Result<Vec<_>>>()?;
    Evaluation::from_runs(runs)
}

/// [`evaluate`], but a regressor whose fit ignores the seed
/// ([`Regressor::uses_seed`]) is fitted once and its predictions scored
/// under every seed, each seed still drawing its own noise, which is what
/// refitting it per seed would give at a fraction of the cost.
pub fn evaluate_spec(
    model: &dyn Regressor,
    data: &TrainTest,
    seeds: &[u64],
    noise: Option<PredictionNoise>,
) -> Result<Evaluation> {
    let first = match seeds.first() {
        Some(&first) if !model.uses_seed() => first,
        _ => return evaluate(model, data, seeds, noise),
    };
    let fitted = model.fit(data.x_train.view(), data.y_train.view(), first)?;
    let predictions = fitted.predict(data.x_test.view())?;
    let runs = seeds
        .iter()
        .map(|&seed| score_seed(model.name(), data, seed, predictions.clone(), noise))
        .collect::<Result<Vec<_>>>()?;
    Evaluation::from_runs(runs)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::features::tests::row;
    use crate::FittedRegressor;
    use naap_dataset::Format;
    use ndarray::{ArrayView1, ArrayView2};

    /// A regressor declared seed-free (`false`) or seeded (`true`), whatever
    /// it is, for testing the runners' shortcuts.
    pub(crate) struct SeedUse(pub Box<dyn Regressor>, pub bool);

    impl Regressor for SeedUse {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn uses_seed(&self) -> bool {
            self.1
        }
        fn fit(
            &self,
            x: ArrayView2<'_, f64>,
            y: ArrayView1<'_, f64>,
            seed: u64,
        ) -> naap_models::Result<Box<dyn FittedRegressor>> {
            self.0.fit(x, y, seed)
        }
    }

    /// Predicts the first feature plus `seed % 3` times a small offset on
    /// every other row, so seeds differ in violations.
    pub(crate) struct FirstColumn;
    struct FittedFirstColumn(f64);

    impl Regressor for FirstColumn {
        fn name(&self) -> &str {
            "first column"
        }
        fn fit(
            &self,
            _x: ArrayView2<'_, f64>,
            _y: ArrayView1<'_, f64>,
            seed: u64,
        ) -> naap_models::Result<Box<dyn FittedRegressor>> {
            Ok(Box::new(FittedFirstColumn((seed % 3) as f64)))
        }
    }

    impl FittedRegressor for FittedFirstColumn {
        fn predict(&self, x: ArrayView2<'_, f64>) -> naap_models::Result<Vec<f64>> {
            Ok(x.column(0)
                .iter()
                .enumerate()
                .map(|(i, v)| v - self.0 * 10.0 * (i % 2) as f64)
                .collect())
        }
    }

    pub(crate) fn dataset() -> Dataset {
        // File order is not accuracy order; model 5 and 6 tie on accuracy.
        let accs = [0.7, 0.5, 0.6, 0.55, 0.65, 0.65, 0.52, 0.58];
        let rows = accs
            .iter()
            .enumerate()
            .map(|(i, &a)| row(i as u32 + 1, i % 2 == 1, a, 3))
            .collect();
        Dataset {
            format: Format::V1,
            rows,
        }
    }

    #[test]
    fn rows_sorted_stably_and_split() {
        let d = dataset();
        let ids: Vec<u32> = sorted_rows(&d).iter().map(|r| r.id.get()).collect();
        assert_eq!(ids, [2, 7, 4, 8, 3, 5, 6, 1]);
        let rows = sorted_rows(&d);
        let (train, test) = published_split(&rows);
        assert_eq!(train.iter().map(|r| r.id).collect::<Vec<_>>(), [7, 3, 5, 1]);
        assert_eq!(test.iter().map(|r| r.id).collect::<Vec<_>>(), [2, 4, 8, 6]);
    }

    #[test]
    fn train_test_is_scaled_on_train_rows() {
        let d = dataset();
        let tt = TrainTest::published(&d, &FeatureSet::scheme()).unwrap();
        let col = tt.x_train.column(0);
        assert!(col.sum().abs() < 1e-12);
        let var = col.iter().map(|v| v * v).sum::<f64>() / col.len() as f64;
        assert!((var - 1.0).abs() < 1e-12);
        assert_eq!(tt.test_model_ids, [2, 4, 8, 6]);
        assert_eq!(tt.y_test, [0.5, 0.55, 0.58, 0.65]);
    }

    #[test]
    fn median_index_is_stable_middle() {
        // Sorted: 1(i1), 3(i3), 5(i2), 7(i4), 9(i0) -> index 2 is i2.
        assert_eq!(median_index(&[9, 1, 5, 3, 7]), 2);
        // Sorted stable: 1(i1), 3(i2), 3(i3), 3(i4), 5(i0) -> index 2 is i3.
        assert_eq!(median_index(&[5, 1, 3, 3, 3]), 3);
        assert_eq!(median_index(&[7]), 0);
    }

    #[test]
    fn evaluate_picks_median_run_and_noise_is_seeded() {
        let d = dataset();
        let tt = TrainTest::published(&d, &FeatureSet::scheme()).unwrap();
        let e = evaluate(&FirstColumn, &tt, &PAPER_SEEDS, None).unwrap();
        assert_eq!(e.per_seed.len(), 5);
        let v: Vec<usize> = e.per_seed.iter().map(|s| s.scores.violations).collect();
        assert_eq!(e.reported, median_index(&v));
        let spread = e.violation_spread();
        assert!(spread.min <= spread.median && spread.median <= spread.max);
        let noise = Some(PredictionNoise {
            std_dev: 1e-5,
            seed: 7,
        });
        let a = evaluate_seed(&FirstColumn, &tt, 1, noise).unwrap();
        let b = evaluate_seed(&FirstColumn, &tt, 1, noise).unwrap();
        let c = evaluate_seed(&FirstColumn, &tt, 2, noise).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.predictions, c.predictions);
        let clean = evaluate_seed(&FirstColumn, &tt, 1, None).unwrap();
        for (n, p) in a.predictions.iter().zip(&clean.predictions) {
            assert!((n - p).abs() < 1e-3 && n != p);
        }
    }

    #[test]
    fn fitting_a_seedless_model_once_scores_as_refitting_it() {
        let d = dataset();
        let data = TrainTest::published(&d, &FeatureSet::scheme_quantitative(3)).unwrap();
        let noise = Some(PredictionNoise {
            std_dev: 1e-3,
            seed: 4,
        });
        let seeds = [7, 8, 9];
        for model in crate::models::baseline_regressors() {
            // Four training rows: the larger k-NN fail, and must fail alike.
            let once = evaluate_spec(&*model, &data, &seeds, noise).map_err(|e| e.to_string());
            let every = evaluate(&*model, &data, &seeds, noise).map_err(|e| e.to_string());
            assert_eq!(once, every, "{}", model.name());
        }
    }

    #[test]
    fn a_table_too_large_to_fit_is_refused_with_a_reason() {
        let rows: Vec<Row> = (0..=MAX_ROWS as u32)
            .map(|i| row(i + 1, i % 10 == 0, 0.5 + f64::from(i % 7) / 100.0, 1))
            .collect();
        let (test, train): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| r.is_test);
        let err = TrainTest::build(&train, &test, &FeatureSet::scheme())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!(
                "{} rows is more than the {MAX_ROWS}",
                MAX_ROWS + 1
            )),
            "{err}"
        );
        assert!(TrainTest::build(&train[..100], &test[..10], &FeatureSet::scheme()).is_ok());
    }
}
