//! `naap select-features` as a library job: a [`SelectJob`] resolved from a
//! [`SelectConfig`] prepares its inputs ([`SelectJob::prepare`], before the
//! folder is claimed) and writes the run folder ([`SelectJob::run`]), the
//! same folder from the CLI, a test or a binding.

use std::path::{Path, PathBuf};

use naap_dataset::Dataset;
use naap_output::{Claim, Progress, RunDir};

use super::checkpoint::{self, Journal};
use super::{best_cells, prepare, report, run_selection, Plan, SelectConfig, SelectEvent};
use super::{SearchResult, SelectValidConfig};
use crate::features::FeatureSet;
use crate::report::figures;
use crate::{Error, Result};

/// The journal of finished searches that a resumed run reads.
pub const CHECKPOINT: &str = "checkpoint.csv";
/// Everything a run may write into its folder besides [`FINISHED`].
pub const OUTPUTS: &[&str] = &[CHECKPOINT, "config.toml", "best.md", "figures"];
/// The file whose presence marks a finished run; written last.
pub const FINISHED: &str = "results.csv";

/// Whether a run reuses the finished searches of the folder's checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Start afresh; an existing checkpoint is refused unless forced.
    No,
    /// Reuse the checkpoint's searches (a checkpoint of another build is refused).
    Yes,
    /// Reuse them, but redo all of a checkpoint written by another build.
    Stale,
}

/// `naap select-features`: the NAAP-440e feature-subset search.
#[derive(Debug, Clone)]
pub struct SelectJob {
    config: SelectConfig,
    valid: SelectValidConfig,
    resume: Resume,
    figures: bool,
}

/// A job's inputs, read and checked before its folder is claimed.
pub struct SelectInputs {
    dataset_path: PathBuf,
    sets: Vec<FeatureSet>,
    plan: Plan,
    fingerprint: String,
}

/// What a [`SelectJob`] did, for its caller's summary.
#[derive(Debug, Clone)]
pub struct SelectReport {
    /// Searches in the results (resumed ones included).
    pub searches: usize,
    /// Searches taken from the checkpoint.
    pub resumed: usize,
    /// Subsets in the results.
    pub subsets: usize,
    /// Figures written.
    pub figures: usize,
    /// Why the checkpoint could not be written, if it could not (the run's
    /// outputs are complete all the same).
    pub checkpoint_warning: Option<String>,
}

/// `{{dataset, select}}`, written as config.toml.
#[derive(serde::Serialize)]
struct ResolvedConfig<'a> {
    dataset: String,
    select: &'a SelectConfig,
}

impl SelectJob {
    /// Checks `config` (see [`SelectConfig::validate`]); `figures` says
    /// whether to draw the best subsets' figures.
    pub fn new(config: SelectConfig, resume: Resume, figures: bool) -> Result<SelectJob> {
        Ok(SelectJob {
            valid: config.clone().validate()?,
            config,
            resume,
            figures,
        })
    }

    /// Refuses a run into `dir` whose checkpoint holds an earlier run's
    /// searches, unless the job resumes them or `force` starts over.
    pub fn check_checkpoint(&self, dir: &Path, force: bool) -> Result<()> {
        let path = dir.join(CHECKPOINT);
        if path.exists() && self.resume == Resume::No && !force {
            return Err(Error::InvalidInput(format!(
                "{} holds the searches of an earlier run; pass --resume to reuse them or --force to start over",
                path.display()
            )));
        }
        Ok(())
    }

    /// Prepares the searches on a dataset read from `path` (its `bytes`
    /// fingerprint the checkpoint): fails, before any output, if the
    /// dataset lacks what the configuration needs.
    pub fn prepare(&self, path: &Path, bytes: &[u8], dataset: &Dataset) -> Result<SelectInputs> {
        let sets = self.valid.feature_sets(dataset.format)?;
        let plan = prepare(dataset, &self.valid).map_err(|e| Error::Context {
            context: format!("preparing features from {}", path.display()),
            source: Box::new(e),
        })?;
        Ok(SelectInputs {
            dataset_path: path.to_owned(),
            sets,
            plan,
            fingerprint: checkpoint::fingerprint(&self.valid, bytes),
        })
    }

    /// The run folder's claim; a resumed checkpoint is kept.
    pub fn claim(&self, force: bool) -> Claim<'static> {
        Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force,
            keep: match self.resume {
                Resume::No => &[],
                Resume::Yes | Resume::Stale => &[CHECKPOINT],
            },
        }
    }

    /// Runs the searches (journalled to checkpoint.csv as they finish) and
    /// writes config.toml, best.md, figures/ and last results.csv.
    pub fn run(
        &self,
        inputs: &SelectInputs,
        run_dir: RunDir,
        progress: &dyn Progress,
    ) -> Result<SelectReport> {
        let (journal, done) = Journal::open(
            &run_dir.path().join(CHECKPOINT),
            &inputs.fingerprint,
            &inputs.sets,
            self.resume != Resume::No,
            self.resume == Resume::Stale,
        )
        .map_err(|e| context("resuming", e))?;
        progress.start(0, "subsets evaluated");
        let finished = |r: &SearchResult| {
            journal.record(r);
            let best = r.best();
            progress.note(&format!(
                "{} / {} / {}: {} subsets, best score {:.6} ({} of {} features)",
                r.mode,
                r.model,
                r.feature_set,
                r.evaluated.len(),
                best.score,
                best.flags.count(),
                r.features.len()
            ));
        };
        let results = run_selection(&inputs.plan, &self.valid, &done, &|e| match e {
            SelectEvent::SubsetEvaluated => progress.advance(1),
            SelectEvent::SearchFinished(r) => finished(r),
        })
        .map_err(|e| {
            // A checkpoint without a finished search is of no use, and left
            // behind it would block the next run until --force.
            journal.discard_if_empty();
            context("running the feature search", e)
        })?;
        progress.finish();
        let checkpoint_warning = journal.close().map(|e| e.to_string());

        let resolved = ResolvedConfig {
            dataset: inputs.dataset_path.display().to_string(),
            select: &self.config,
        };
        let toml = toml::to_string_pretty(&resolved).map_err(|e| Error::Serialize {
            what: "config.toml",
            message: e.to_string(),
        })?;
        let md = report::best_markdown(&results);
        for (name, bytes) in [("config.toml", toml.as_bytes()), ("best.md", md.as_bytes())] {
            run_dir.write(name, bytes)?;
        }
        let mut n_figures = 0;
        if self.figures {
            let cells = best_cells(&inputs.plan, &self.valid, &results)?;
            for (name, png) in figures::all_figures(&cells, &|| {})? {
                run_dir.write(&format!("figures/{name}"), &png)?;
                n_figures += 1;
            }
        }
        // results.csv last, after the figures: its presence marks a finished run.
        run_dir.finish(&report::results_csv(&results)?)?;
        Ok(SelectReport {
            searches: results.len(),
            resumed: done.len(),
            subsets: results.iter().map(|r| r.evaluated.len()).sum(),
            figures: n_figures,
            checkpoint_warning,
        })
    }
}

fn context(context: &str, e: Error) -> Error {
    Error::Context {
        context: context.into(),
        source: Box::new(e),
    }
}
