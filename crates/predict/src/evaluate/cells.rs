//! One cell of an evaluation: its training rows, its fit, its predictions,
//! and the metrics computed from them.

use super::EvaluateJob;
use crate::metrics;
use crate::protocol::{evaluate_seed, sort_by_accuracy, TrainTest};
use crate::{Error, Result};
use naap_dataset::{Dataset, Row};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::fmt;
use std::str::FromStr;

/// Which rows a cell is scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestRows {
    /// Every row not used for training (the unused train rows and the
    /// published test rows).
    All,
    /// The published test rows (`IsTest` = 1).
    Published,
}

impl fmt::Display for TestRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TestRows::All => "all",
            TestRows::Published => "published",
        })
    }
}

impl FromStr for TestRows {
    type Err = Error;

    fn from_str(s: &str) -> Result<TestRows> {
        match s {
            "all" => Ok(TestRows::All),
            "published" => Ok(TestRows::Published),
            _ => Err(Error::InvalidInput(format!(
                "--test: expected all or published, got '{s}'"
            ))),
        }
    }
}

/// (model, feature set, train size, trial), by index into the job's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cell {
    pub model: usize,
    pub set: usize,
    pub size: usize,
    pub trial: usize,
}

/// Each trial's order of the train rows (indices into the dataset's rows).
pub(super) struct Trials {
    orders: Vec<Vec<usize>>,
}

impl Trials {
    /// `trials` seeded shuffles of the dataset's train rows (`IsTest` = 0),
    /// taken in ModelId order: trial `t` uses ChaCha8 seeded by `seed` on
    /// stream `t`, so a trial's draw does not depend on how many run.
    pub fn draw(dataset: &Dataset, seed: u64, trials: usize) -> Trials {
        let mut train: Vec<usize> = (0..dataset.rows.len())
            .filter(|&i| !dataset.rows[i].is_test)
            .collect();
        train.sort_by_key(|&i| dataset.rows[i].id);
        let orders = (0..trials)
            .map(|t| {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(t as u64);
                let mut order = train.clone();
                order.shuffle(&mut rng);
                order
            })
            .collect();
        Trials { orders }
    }

    /// The training rows of `cell`, as indices into the dataset's rows.
    pub fn train_of(&self, cell: Cell) -> &[usize] {
        &self.orders[cell.trial][..cell.size]
    }
}

/// The rows `cell` is scored on, in ModelId order.
pub(super) fn test_rows<'a>(job: &'a EvaluateJob, trials: &Trials, cell: Cell) -> Vec<&'a Row> {
    let rows = &job.dataset.rows;
    let mut test: Vec<&Row> = match job.test {
        TestRows::Published => rows.iter().filter(|r| r.is_test).collect(),
        TestRows::All => {
            let mut used = vec![false; rows.len()];
            for &i in trials.train_of(cell) {
                used[i] = true;
            }
            rows.iter()
                .zip(used)
                .filter(|(_, u)| !u)
                .map(|(r, _)| r)
                .collect()
        }
    };
    test.sort_by_key(|r| r.id);
    test
}

/// Fits the cell's model on its training rows and predicts its test rows
/// (in ModelId order), through the one fit-and-score path of every
/// experiment.
pub(super) fn run_cell(job: &EvaluateJob, trials: &Trials, cell: Cell) -> Result<Vec<f64>> {
    let rows = &job.dataset.rows;
    // File order, then by accuracy (ties stay in file order): the order
    // `naap fit` fits in, so a cell depends on which rows it drew, not on
    // the order it drew them in.
    let mut drawn = trials.train_of(cell).to_vec();
    drawn.sort_unstable();
    let mut train: Vec<&Row> = drawn.iter().map(|&i| &rows[i]).collect();
    sort_by_accuracy(&mut train);
    let test = test_rows(job, trials, cell);
    let set = &job.sets[cell.set];
    let data = TrainTest::build(&train, &test, set)?;
    let regressor = job.models[cell.model].build();
    let seed = job.config.seed.wrapping_add(cell.trial as u64);
    Ok(evaluate_seed(&*regressor, &data, seed, None)?.predictions)
}

/// Every metric of one cell. Where a correlation is undefined (a constant
/// prediction), it is `None` and written empty.
#[derive(Debug, Clone, PartialEq)]
pub struct CellScores {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Pearson r.
    pub pearson: Option<f64>,
    /// Spearman ρ (average ranks for ties).
    pub spearman: Option<f64>,
    /// Kendall τ-b.
    pub kendall_tau: Option<f64>,
    /// Pairs whose predicted order strictly disagrees with the true order.
    pub violations: usize,
    /// C(n, 2) of the n test rows.
    pub max_violations: usize,
    /// Share of the true top 10 among the predicted top 10.
    pub precision_at_10: f64,
    /// The same with k = ⌈5 % of the test rows⌉.
    pub precision_at_5pct: f64,
    /// NDCG@10, gains the true accuracies.
    pub ndcg_at_10: f64,
}

impl CellScores {
    /// The metrics of `pred` against `truth` (test rows in ModelId order,
    /// which breaks ties in the top-k metrics toward the lower ModelId).
    pub fn compute(truth: &[f64], pred: &[f64]) -> Result<CellScores> {
        Ok(CellScores {
            mae: metrics::mae(truth, pred)?,
            rmse: metrics::rmse(truth, pred)?,
            pearson: metrics::pearson_r(truth, pred)?,
            spearman: metrics::spearman_rho(truth, pred)?,
            kendall_tau: metrics::kendall_tau_b(truth, pred)?,
            violations: metrics::violations(truth, pred)?,
            max_violations: metrics::max_violations(truth.len()),
            precision_at_10: metrics::precision_at_k(truth, pred, 10)?,
            precision_at_5pct: metrics::precision_at_k(truth, pred, five_percent(truth.len()))?,
            ndcg_at_10: metrics::ndcg_at_k(truth, pred, 10)?,
        })
    }
}

/// ⌈5 % of n⌉, at least 1: the k of precision@5%.
pub fn five_percent(n: usize) -> usize {
    n.div_ceil(20).max(1)
}
