//! `naap baseline` as a library job: a resolved [`BaselineJob`] runs the
//! study and writes its run folder, the same folder from the CLI, a test or
//! a binding.

use std::path::PathBuf;

use naap_dataset::Dataset;
use naap_output::{Claim, Progress, RunDir};

use super::{run, run_count, BaselineConfig, BaselineResults, CellFailure};
use crate::extended;
use crate::features::FeatureSet;
use crate::models::RegressorSpec;
use crate::protocol::PAPER_SEEDS;
use crate::report::{self, figures};
use crate::{Error, Result};

/// Everything a baseline run may write into its folder besides [`FINISHED`].
pub const OUTPUTS: &[&str] = &[
    "config.toml",
    "table.md",
    "table.tex",
    "figures",
    "budget.md",
    "budget.png",
    "proxies.md",
];
/// The file whose presence marks a finished run; written last.
pub const FINISHED: &str = "results.csv";

/// `naap baseline`: the paper's 24 regressors on its 4 feature sets, or the
/// extended study (every regressor on the zero-cost and learning-curve sets
/// too), each cell fitted with the paper's five seeds.
#[derive(Debug, Clone)]
pub struct BaselineJob {
    dataset_path: PathBuf,
    dataset: Dataset,
    extended: bool,
    figures: bool,
    regressors: Vec<RegressorSpec>,
    sets: Vec<FeatureSet>,
}

/// What a [`BaselineJob`] did, for its caller's summary.
#[derive(Debug, Clone)]
pub struct BaselineReport {
    /// Cells evaluated.
    pub cells: usize,
    /// Cells that failed (a regressor that could not fit); the rest ran.
    pub failures: Vec<CellFailure>,
    /// Regressors, feature sets and seeds of the run.
    pub regressors: usize,
    /// Feature sets of the run.
    pub feature_sets: usize,
    /// Seeds of the run.
    pub seeds: usize,
    /// Figures written.
    pub figures: usize,
    /// The extended study's budget and proxy tables (budget.md, proxies.md).
    pub extended_tables: Option<(String, String)>,
}

impl BaselineJob {
    /// The study on a dataset read from `dataset_path`; the extended one
    /// needs the zero-cost columns, which are checked here, before any work.
    pub fn new(
        dataset_path: PathBuf,
        dataset: Dataset,
        extended: bool,
        figures: bool,
    ) -> Result<BaselineJob> {
        let (regressors, sets) = if extended {
            extended::check_zero_cost_columns(&dataset).map_err(|e| Error::Context {
                context: format!("reading dataset {}", dataset_path.display()),
                source: Box::new(e),
            })?;
            (RegressorSpec::all(), extended::extended_sets())
        } else {
            (RegressorSpec::baseline(), FeatureSet::paper_sets())
        };
        Ok(BaselineJob {
            dataset_path,
            dataset,
            extended,
            figures,
            regressors,
            sets,
        })
    }

    /// The run folder's claim: what the run writes and its finished marker.
    pub fn claim(&self, force: bool) -> Claim<'static> {
        Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force,
            keep: &[],
        }
    }

    /// Runs the study and writes config.toml, table.md, table.tex, the
    /// extended study's budget.md, proxies.md and budget.png, figures/ and
    /// last results.csv into `run_dir`.
    pub fn run(&self, run_dir: RunDir, progress: &dyn Progress) -> Result<BaselineReport> {
        let regressors: Vec<_> = self.regressors.iter().map(RegressorSpec::build).collect();
        let seeds = PAPER_SEEDS;
        progress.start(
            run_count(regressors.len(), self.sets.len(), seeds.len()) as u64,
            "fitting",
        );
        let results = run(&self.dataset, &regressors, &self.sets, &seeds, &|| {
            progress.advance(1)
        });
        progress.finish();
        let results = results.map_err(|e| Error::Context {
            context: format!("running the baseline on {}", self.dataset_path.display()),
            source: Box::new(e),
        })?;
        let config = BaselineConfig::new(
            self.dataset_path.display().to_string(),
            &regressors,
            &self.sets,
            &seeds,
            self.figures,
        );
        let toml = toml::to_string(&config).map_err(|e| Error::Serialize {
            what: "config.toml",
            message: e.to_string(),
        })?;
        let tables = [
            ("config.toml", toml),
            ("table.md", report::table_markdown(&results.cells)),
            ("table.tex", report::table_tex(&results.cells)),
        ];
        for (name, text) in tables {
            run_dir.write(name, text.as_bytes())?;
        }
        let extended_tables = match self.extended {
            true => Some(self.write_extended(&run_dir, &results)?),
            false => None,
        };
        let mut n_figures = 0;
        if self.figures {
            progress.start(results.cells.len() as u64 * 2, "drawing");
            let drawn = figures::all_figures(&results.cells, &|| progress.advance(1));
            progress.finish();
            for (name, png) in drawn? {
                run_dir.write(&format!("figures/{name}"), &png)?;
                n_figures += 1;
            }
        }
        // results.csv last, after the figures: its presence marks a finished run.
        let csv = report::results_csv(&results.cells).map_err(|e| Error::Context {
            context: "building results.csv".into(),
            source: Box::new(e),
        })?;
        run_dir.finish(&csv)?;
        Ok(BaselineReport {
            cells: results.cells.len(),
            failures: results.failures,
            regressors: regressors.len(),
            feature_sets: self.sets.len(),
            seeds: seeds.len(),
            figures: n_figures,
            extended_tables,
        })
    }

    /// The extended study's summaries: the budget table and figure, and the
    /// proxies' Spearman table.
    fn write_extended(
        &self,
        run_dir: &RunDir,
        results: &BaselineResults,
    ) -> Result<(String, String)> {
        let rows = extended::budget_rows(&results.cells, &self.sets);
        let budget = extended::budget_markdown(&rows);
        let spearman = extended::proxy_spearman(&self.dataset)?;
        let proxies = extended::proxy_markdown(&spearman, self.dataset.rows.len());
        run_dir.write("budget.md", budget.as_bytes())?;
        run_dir.write("proxies.md", proxies.as_bytes())?;
        if self.figures {
            run_dir.write("budget.png", &extended::budget_png(&rows)?)?;
        }
        Ok((budget, proxies))
    }
}
