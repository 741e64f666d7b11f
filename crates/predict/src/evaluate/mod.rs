//! `naap evaluate`: predictors scored as the field scores them (NASLib's
//! predictor evaluator; White et al. 2021): many training-set sizes, several
//! fidelities (feature sets of more or fewer epochs), many trials, and the
//! field's metrics beside the paper's violations.
//!
//! A *cell* is one (model, feature set, train size, trial). Trial `t` draws
//! its training rows from the dataset's train rows (`IsTest` = 0) by a
//! shuffle seeded by (`seed`, `t`); train size `n` takes the first `n` of
//! that shuffle, so within a trial the sizes are nested. Each cell fits
//! through the one fit-and-score path of every experiment
//! ([`crate::protocol::TrainTest`], [`crate::protocol::evaluate_seed`]) with
//! fitting seed `seed + t`, and predicts the test rows: the 40 published test
//! rows, or (`--test all`) every row not used for training. The metrics
//! ([`CellScores`]) are computed from the predictions, which the run keeps
//! (`predictions.csv`) so any metric can be recomputed.
//!
//! Cells run in parallel and finish in any order; each finished cell is
//! journaled (`cells.jsonl`: its predictions, bit-exact), so a killed run
//! resumes where it stopped, and the outputs are assembled in cell order, so
//! they are the same bytes on any thread count.

mod cells;
mod journal;
mod report;

pub use cells::{CellScores, TestRows};
pub use report::{results_csv, RESULTS_HEADER};

use crate::features::{FeatureSet, FeatureSetSpec};
use crate::models::RegressorSpec;
use crate::{Error, Result};
use cells::{Cell, Trials};
use naap_dataset::Dataset;
use naap_output::{Claim, Progress, RunDir};
use serde::Serialize;
use std::path::PathBuf;

/// Everything a run may write into its folder besides [`FINISHED`].
pub const OUTPUTS: &[&str] = &[
    "config.toml",
    "cells.jsonl",
    "predictions.csv",
    "summary.md",
    "tau_vs_train_size.png",
    "tau_vs_epochs.png",
];
/// What an interrupted run keeps for its resume.
pub const RESUMABLE: &[&str] = &["config.toml", "cells.jsonl"];
/// Written last: its presence marks a finished run.
pub const FINISHED: &str = "results.csv";

/// The most trials a run takes: far beyond the field's 100, and small
/// enough that the cell count stays bounded.
pub const MAX_TRIALS: usize = 10_000;

/// What `naap evaluate` was asked, unchecked.
#[derive(Debug, Clone)]
pub struct EvaluateRequest {
    /// The dataset CSV (v1 or v2).
    pub dataset: PathBuf,
    /// The regressors, by name.
    pub models: Vec<RegressorSpec>,
    /// Feature sets named one by one.
    pub feature_sets: Vec<FeatureSetSpec>,
    /// Fidelities: a base set (0 epochs) and the epochs to give it.
    pub epochs: Option<(FeatureSetSpec, Vec<u32>)>,
    /// Training-set sizes.
    pub train_sizes: Vec<usize>,
    /// Trials per (model, set, size).
    pub trials: usize,
    /// Seed of the draws and the fits.
    pub seed: u64,
    /// Which rows are scored.
    pub test: TestRows,
}

/// What a run depends on: `config.toml`, and the identity its journal checks.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluateConfig {
    /// The dataset, as an absolute path.
    pub dataset: String,
    /// SHA-256 of the dataset's bytes.
    pub dataset_sha256: String,
    /// Regressor names.
    pub models: Vec<String>,
    /// Feature set names.
    pub feature_sets: Vec<String>,
    /// Training-set sizes.
    pub train_sizes: Vec<usize>,
    /// Trials.
    pub trials: usize,
    /// Seed.
    pub seed: u64,
    /// `all` or `published`.
    pub test: String,
}

/// A checked run: every setting valid, the dataset read.
pub struct EvaluateJob {
    config: EvaluateConfig,
    models: Vec<RegressorSpec>,
    sets: Vec<FeatureSet>,
    test: TestRows,
    dataset: Dataset,
}

/// What a finished run gives back.
#[derive(Debug, Clone)]
pub struct EvaluateSummary {
    /// Cells scored (resumed ones included).
    pub cells: usize,
    /// Cells taken from the journal of an interrupted run.
    pub resumed: usize,
    /// `summary.md`, as written.
    pub summary: String,
}

impl EvaluateJob {
    /// Reads the dataset and checks every setting against it, before any
    /// run folder is claimed: sizes within the train rows, sets the dataset
    /// has the columns of, and every model able to fit the smallest size.
    pub fn resolve(r: &EvaluateRequest) -> Result<EvaluateJob> {
        let dataset = Dataset::read(&r.dataset).map_err(|source| Error::Dataset {
            path: r.dataset.clone(),
            source,
        })?;
        let bad = |m: String| Error::InvalidInput(m);
        if r.models.is_empty() {
            return Err(bad("--models: name at least one model".into()));
        }
        let mut specs = r.feature_sets.clone();
        if let Some((base, epochs)) = &r.epochs {
            for &k in epochs {
                specs.push(base.with_epochs(k)?);
            }
        }
        if specs.is_empty() {
            return Err(bad(
                "name at least one feature set (--feature-set, or --epochs with --base-set)".into(),
            ));
        }
        duplicates("--models", r.models.iter().map(ToString::to_string))?;
        duplicates("feature sets", specs.iter().map(ToString::to_string))?;
        duplicates(
            "--train-sizes",
            r.train_sizes.iter().map(ToString::to_string),
        )?;
        if r.trials == 0 || r.trials > MAX_TRIALS {
            return Err(bad(format!(
                "--trials must be between 1 and {MAX_TRIALS}, got {}",
                r.trials
            )));
        }
        let train_rows = dataset.rows.iter().filter(|row| !row.is_test).count();
        if r.train_sizes.is_empty() {
            return Err(bad("--train-sizes: give at least one size".into()));
        }
        for &n in &r.train_sizes {
            if n < 2 || n > train_rows {
                return Err(bad(format!(
                    "--train-sizes: {n} is outside 2..={train_rows} (the dataset's train rows)"
                )));
            }
        }
        let sets = specs
            .iter()
            .map(|s| s.build())
            .collect::<Result<Vec<FeatureSet>>>()?;
        let test_rows = dataset.rows.len() - r.train_sizes.iter().max().copied().unwrap_or(0);
        if r.test == TestRows::Published && dataset.rows.iter().all(|row| !row.is_test) {
            return Err(bad(format!(
                "--test published: {} has no test rows (IsTest = 1)",
                r.dataset.display()
            )));
        }
        if r.test == TestRows::All && test_rows < 2 {
            return Err(bad(format!(
                "--test all: the largest train size leaves {test_rows} rows to score"
            )));
        }
        let job = EvaluateJob {
            config: EvaluateConfig {
                dataset: std::path::absolute(&r.dataset)
                    .unwrap_or_else(|_| r.dataset.clone())
                    .display()
                    .to_string(),
                dataset_sha256: crate::predictor::DatasetSource::of_file(&r.dataset)?.sha256,
                models: r.models.iter().map(ToString::to_string).collect(),
                feature_sets: sets.iter().map(|s| s.name().to_owned()).collect(),
                train_sizes: r.train_sizes.clone(),
                trials: r.trials,
                seed: r.seed,
                test: r.test.to_string(),
            },
            models: r.models.clone(),
            sets,
            test: r.test,
            dataset,
        };
        job.check_smallest_cells()?;
        Ok(job)
    }

    /// The checked settings.
    pub fn config(&self) -> &EvaluateConfig {
        &self.config
    }

    /// Cells of the run, in output order.
    pub fn cell_count(&self) -> usize {
        self.models.len() * self.sets.len() * self.config.train_sizes.len() * self.config.trials
    }

    /// A run folder of `naap evaluate`.
    pub fn claim(force: bool) -> Claim<'static> {
        Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force,
            keep: if force { &[] } else { RESUMABLE },
        }
    }

    fn cells(&self) -> Vec<Cell> {
        let c = &self.config;
        let mut out = Vec::with_capacity(self.cell_count());
        for model in 0..self.models.len() {
            for set in 0..self.sets.len() {
                for &size in &c.train_sizes {
                    for trial in 0..c.trials {
                        out.push(Cell {
                            model,
                            set,
                            size,
                            trial,
                        });
                    }
                }
            }
        }
        out
    }

    /// Fits every (model, set) on trial 0's smallest size: a model that
    /// cannot fit so few rows (k-NN with more neighbours than rows) or a set
    /// the dataset lacks columns for is refused before any folder is claimed.
    fn check_smallest_cells(&self) -> Result<()> {
        let smallest = *self
            .config
            .train_sizes
            .iter()
            .min()
            .expect("checked non-empty");
        let trials = Trials::draw(&self.dataset, self.config.seed, 1);
        for model in 0..self.models.len() {
            for set in 0..self.sets.len() {
                let cell = Cell {
                    model,
                    set,
                    size: smallest,
                    trial: 0,
                };
                cells::run_cell(self, &trials, cell).map_err(|e| {
                    Error::InvalidInput(format!(
                        "{} on {} cannot be evaluated with {smallest} training rows: {e}",
                        self.models[model],
                        self.sets[set].name()
                    ))
                })?;
            }
        }
        Ok(())
    }
}

/// Runs every cell of `job` into `run_dir` (resuming from its journal), then
/// writes the outputs; progress counts cells.
pub fn run(job: &EvaluateJob, run_dir: RunDir, progress: &dyn Progress) -> Result<EvaluateSummary> {
    use rayon::prelude::*;
    let config_toml = toml::to_string(&job.config).map_err(|e| Error::Serialize {
        what: "config.toml",
        message: e.to_string(),
    })?;
    let (journal, done) = journal::Journal::open(
        &run_dir.path().join("cells.jsonl"),
        &config_toml,
        job.cell_count(),
    )?;
    run_dir.write("config.toml", config_toml.as_bytes())?;
    let cells = job.cells();
    let trials = Trials::draw(&job.dataset, job.config.seed, job.config.trials);
    progress.start(cells.len() as u64, "cells");
    progress.advance(done.len() as u64);
    let resumed = done.len();
    let results: Vec<Result<Vec<f64>>> = cells
        .par_iter()
        .enumerate()
        .map(|(i, &cell)| {
            if let Some(p) = done.get(&i) {
                return Ok(p.clone());
            }
            let predictions = cells::run_cell(job, &trials, cell)?;
            journal.record(i, &predictions)?;
            progress.advance(1);
            Ok(predictions)
        })
        .collect();
    progress.finish();
    let predictions = results.into_iter().collect::<Result<Vec<_>>>()?;
    let scored = report::score_all(job, &trials, &cells, &predictions)?;
    report::write_outputs(job, &trials, &cells, &predictions, &scored, run_dir).map(|summary| {
        EvaluateSummary {
            cells: cells.len(),
            resumed,
            summary,
        }
    })
}

/// Refuses a list naming one value twice (two identical rows of results).
fn duplicates(what: &str, names: impl Iterator<Item = String>) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        if !seen.insert(name.clone()) {
            return Err(Error::InvalidInput(format!(
                "{what}: {name} is given twice"
            )));
        }
    }
    Ok(())
}
