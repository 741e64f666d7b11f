//! `naap nas simulate` as a library job: the settings layered and checked
//! into a [`SimulateJob`] before any work, then [`run`] replays the study
//! into a claimed run folder and writes its declared outputs in order.
//!
//! ```no_run
//! use naap_nas::simulate::{self, SimulateJob, SimulateRequest};
//! # fn main() -> naap_nas::Result<()> {
//! let request = SimulateRequest {
//!     default_dataset: "data/naap440/naap440.csv".into(),
//!     default_logs: "data/naap440/raw_data.tar.gz".into(),
//!     ..SimulateRequest::default()
//! };
//! let job = SimulateJob::resolve(&request)?;
//! let run_dir = naap_output::RunDir::claim("nas".as_ref(), &SimulateJob::claim(false))?;
//! let report = simulate::run(&job, run_dir, &naap_output::Silent)?;
//! print!("{}", report.summary);
//! # Ok(())
//! # }
//! ```

use crate::cost::{CostKind, CostModel};
use crate::strategy::StrategyFlags;
use crate::{report, Error, Result, StudyConfig, StudyValidConfig};
use naap_dataset::Dataset;
use naap_output::{Claim, Progress, RunDir};
use std::path::{Path, PathBuf};

/// What `naap nas simulate` was asked: every setting a flag may give
/// (`None` or empty: not given), before the layering of
/// [`SimulateJob::resolve`]: built-in defaults, then the `config` file,
/// then these.
#[derive(Debug, Clone, Default)]
pub struct SimulateRequest {
    /// The settings of an earlier run (its `config.toml`).
    pub config: Option<PathBuf>,
    /// The dataset CSV.
    pub dataset: Option<PathBuf>,
    /// The dataset when neither `dataset` nor the config file names one.
    pub default_dataset: PathBuf,
    /// The raw logs of the `logged` cost model.
    pub logs: Option<PathBuf>,
    /// The logs when neither `logs` nor the config file names them.
    pub default_logs: PathBuf,
    /// `all` or the number of schemes per repeat.
    pub pool: Option<String>,
    /// Repeats per strategy.
    pub repeats: Option<u32>,
    /// The cost model.
    pub cost: Option<CostKind>,
    /// The most one search may spend.
    pub budget: Option<f64>,
    /// The strategies by name (empty or holding `all`: keep the config's).
    pub strategies: Vec<String>,
    /// The study seed.
    pub seed: Option<u64>,
    /// A predictor file that ranks instead of a fitted model.
    pub predictor: Option<PathBuf>,
    /// The settings of the strategies that read them.
    pub flags: StrategyFlags,
    /// Skip `regret.png`.
    pub no_figures: bool,
    /// Replay a config whose dataset no longer matches the checksum it
    /// recorded, with a warning ([`SimulateJob::warnings`]) instead of a
    /// refusal.
    pub allow_changed_inputs: bool,
}

/// A study resolved and checked against its data, ready to run.
#[derive(Debug)]
pub struct SimulateJob {
    config: StudyValidConfig,
    dataset_path: PathBuf,
    dataset: Dataset,
    cost: CostModel,
    figures: bool,
    warnings: Vec<String>,
}

/// What [`run`] did, for the caller to show.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateReport {
    /// `summary.md`, as written.
    pub summary: String,
    /// Searches run.
    pub searches: usize,
    /// Strategies reported.
    pub strategies: usize,
    /// Repeats per strategy.
    pub repeats: u32,
}

/// Everything `naap nas simulate` may write into its folder besides [`FINISHED`].
pub const OUTPUTS: &[&str] = &["config.toml", "summary.md", "regret.png", "trajectory.csv"];
/// The file whose presence marks a finished run, written last.
pub const FINISHED: &str = "results.csv";

impl SimulateJob {
    /// The run folder a study writes: [`OUTPUTS`] and [`FINISHED`].
    pub fn claim(force: bool) -> Claim<'static> {
        Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force,
            keep: &[],
        }
    }

    /// Layers the settings (defaults, the config file, the request's),
    /// checks them, reads the dataset and the cost model's logs, and checks
    /// the study against the data: every fault of the input shows here,
    /// before a run folder is claimed.
    pub fn resolve(request: &SimulateRequest) -> Result<SimulateJob> {
        let base = match &request.config {
            Some(path) => read_config(path)?,
            None => StudyConfig::default(),
        };
        let from_base = |p: &str| (!p.is_empty()).then(|| PathBuf::from(p));
        let dataset_path = request
            .dataset
            .clone()
            .or_else(|| from_base(&base.dataset))
            .unwrap_or_else(|| request.default_dataset.clone());
        let wants_logs = request.cost.unwrap_or(base.cost) == CostKind::Logged;
        let logs_path = wants_logs.then(|| {
            request
                .logs
                .clone()
                .or_else(|| base.logs.as_deref().and_then(from_base))
                .unwrap_or_else(|| request.default_logs.clone())
        });
        // The checksum a replayed config recorded holds for the dataset it
        // names; a --dataset flag is a deliberate change and drops it.
        let recorded = match request.dataset {
            Some(_) => None,
            None => base.dataset_sha256.clone(),
        };
        let sha256 = file_sha256(&dataset_path);
        let mut warnings = Vec::new();
        if let (Some(want), Some(got)) = (&recorded, &sha256) {
            if want != got {
                let what = format!(
                    "the dataset {} is not the one the config {} ran on: its SHA-256 is {got}, \
                     the config records {want}",
                    dataset_path.display(),
                    request.config.as_deref().unwrap_or(Path::new("")).display()
                );
                if !request.allow_changed_inputs {
                    return Err(Error::InvalidConfig(format!(
                        "{what}; run from the folder the config was written in, pass --dataset, \
                         or --allow-changed-inputs to replay it on this file"
                    )));
                }
                warnings.push(format!("{what}; replaying on it (--allow-changed-inputs)"));
            }
        }
        let config = layer(request, base, &dataset_path, logs_path.as_deref())
            .map(|mut c| {
                c.dataset_sha256 = sha256;
                c
            })
            .and_then(StudyConfig::validate)
            .map_err(Error::within("checking the study settings"))?;
        let dataset = Dataset::read(&dataset_path).map_err(|e| Error::Read {
            what: "dataset",
            path: dataset_path.clone(),
            source: Box::new(e),
        })?;
        let cost = match (config.cost(), &logs_path) {
            (CostKind::Epochs, _) => CostModel::epochs(),
            (CostKind::Macs, _) => CostModel::macs(&dataset.rows),
            (CostKind::Logged, Some(logs)) => {
                CostModel::logged_from(logs).map_err(|e| Error::Read {
                    what: "the training logs",
                    path: logs.clone(),
                    source: Box::new(e),
                })?
            }
            (CostKind::Logged, None) => {
                return Err(Error::InvalidConfig(
                    "the logged cost model needs training logs".into(),
                ))
            }
        };
        crate::check_study(&dataset, &cost, &config)
            .map_err(Error::within("checking the study against the dataset"))?;
        Ok(SimulateJob {
            config,
            dataset_path,
            dataset,
            cost,
            figures: !request.no_figures,
            warnings,
        })
    }

    /// What the caller should show loudly before the run: inputs that
    /// differ from those a replayed config recorded, when allowed.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The checked settings (what `config.toml` records).
    pub fn config(&self) -> &StudyValidConfig {
        &self.config
    }

    /// Whether `regret.png` is drawn.
    pub fn figures(&self) -> bool {
        self.figures
    }

    /// The dataset CSV the curves come from.
    pub fn dataset_path(&self) -> &Path {
        &self.dataset_path
    }

    /// Replays the study and returns its records, writing nothing: the rows
    /// of `results.csv` that [`run`] writes. `on_search` is called after
    /// each search.
    pub fn replay(&self, on_search: &(dyn Fn() + Sync)) -> Result<crate::StudyResults> {
        crate::run_study(&self.dataset, &self.cost, &self.config, on_search).map_err(Error::within(
            format!("replaying the study on {}", self.dataset_path.display()),
        ))
    }
}

/// The settings file of an earlier run.
fn read_config(path: &Path) -> Result<StudyConfig> {
    let read = |source: Box<dyn std::error::Error + Send + Sync>| Error::Read {
        what: "config",
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(|e| read(Box::new(e)))?;
    toml::from_str(&text).map_err(|e| read(Box::new(e)))
}

/// The request's settings over `base`.
fn layer(
    r: &SimulateRequest,
    mut c: StudyConfig,
    dataset: &Path,
    logs: Option<&Path>,
) -> Result<StudyConfig> {
    // Absolute, so that the config replays from any folder.
    c.dataset = absolute(dataset);
    c.logs = logs.map(absolute);
    c.select(Some(&r.strategies))?;
    c.apply(&r.flags);
    if let Some(p) = &r.predictor {
        c.set_predictor(&absolute(p));
    }
    c.seed = r.seed.unwrap_or(c.seed);
    if let Some(pool) = &r.pool {
        c.pool = pool.clone();
    }
    c.repeats = r.repeats.unwrap_or(c.repeats);
    c.cost = r.cost.unwrap_or(c.cost);
    if r.budget.is_some() {
        c.budget = r.budget;
    }
    Ok(c)
}

/// `path` made absolute against the current folder, as text.
fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// SHA-256 of a file's bytes, lowercase hex; `None` if it cannot be read
/// (reading the dataset reports that, naming the file).
fn file_sha256(path: &Path) -> Option<String> {
    naap_predict::predictor::DatasetSource::of_file(path)
        .ok()
        .map(|s| s.sha256)
}

/// Replays the study of `job` and writes `config.toml`, `summary.md`,
/// `regret.png` (unless skipped) and, last, `results.csv` into `run_dir`;
/// one progress step per search.
pub fn run(job: &SimulateJob, run_dir: RunDir, progress: &dyn Progress) -> Result<SimulateReport> {
    let config = &job.config;
    progress.start(crate::run_count(config)? as u64, "searching");
    let results = job.replay(&|| progress.advance(1));
    progress.finish();
    let results = results?;

    let title = format!(
        "NAS replay on {}: {} repeats, pool {}, seed {}",
        job.dataset_path.display(),
        config.repeats(),
        config.config().pool,
        config.seed()
    );
    let summary = report::summary_markdown(&results, &title)
        .map_err(Error::within("summarising the study"))?;
    let figure = match job.figures {
        true => {
            Some(crate::figure::regret_png(&results).map_err(Error::within("drawing regret.png"))?)
        }
        false => None,
    };
    let toml = toml::to_string(config.config())?;
    run_dir.write("config.toml", toml.as_bytes())?;
    run_dir.write("summary.md", summary.as_bytes())?;
    if let Some(png) = &figure {
        run_dir.write("regret.png", png)?;
    }
    let trajectory =
        report::trajectory_csv(&results).map_err(Error::within("building trajectory.csv"))?;
    run_dir.write("trajectory.csv", &trajectory)?;
    // results.csv last: its presence marks a finished run.
    let csv = report::results_csv(&results).map_err(Error::within("building results.csv"))?;
    run_dir.finish(&csv)?;
    Ok(SimulateReport {
        summary,
        searches: results.records.len(),
        strategies: results.strategies.len(),
        repeats: config.repeats(),
    })
}
