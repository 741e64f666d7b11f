//! `naap nas`: neural-architecture search replayed on the stored curves.

use crate::args::{DatasetArgs, FontArgs, StrategyArgs};
use crate::exit::{self, Outcome};
use crate::{data_dir, output, progress};
use anyhow::Context;
use naap_dataset::Dataset;
use naap_nas::{report, CostKind, CostModel, StudyConfig};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Subcommands of `naap nas`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Replay search strategies on the 440 stored learning curves.
    ///
    /// Each strategy pays for every epoch it trains (training resumes where
    /// a scheme stopped) and sees nothing it has not paid for; it is scored
    /// by the regret of the scheme it returns (best MaxAccuracy of the pool
    /// minus the found one's), over --repeats repeats run in parallel.
    /// Writes results.csv (one line per search), summary.md (per strategy:
    /// regret median and IQR, median cost, speed-up against exhaustive,
    /// top-1 / top-1% / top-5% shares), regret.png and config.toml, and
    /// prints the summary table.
    ///
    /// Strategies: exhaustive (the pool to the full epochs), random
    /// (--random-n schemes fully), successive-halving and hyperband
    /// (--eta, --min-epochs, --max-epochs), predictor (train all
    /// --k-epochs, rank by a model fitted on --known curves, fully train the
    /// --top-m best), zero-shot (the same from scheme features alone) and
    /// last-accuracy (rank by the accuracy at epoch k). Under `--known fold`
    /// the pool is split in two folds by a seeded shuffle and each fold is
    /// searched knowing the other's full curves.
    Simulate(SimulateArgs),
}

/// Arguments of `naap nas simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Study settings (a config.toml of an earlier run); flags override them.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    // The dataset CSV [default: the config's, else <data>/naap440/naap440.csv].
    #[command(flatten)]
    data: DatasetArgs,
    /// Raw logs for --cost logged [default: <data>/naap440/raw_data.tar.gz].
    ///
    /// With --config, the config's `logs` comes before the default.
    #[arg(long, value_name = "PATH")]
    logs: Option<PathBuf>,
    /// Schemes per repeat: `all`, or N drawn at random per repeat [default: all].
    #[arg(long, value_name = "all|N", help_heading = "Study")]
    pool: Option<String>,
    /// Repeats per strategy [default: 100].
    #[arg(long, value_name = "N", help_heading = "Study")]
    repeats: Option<u32>,
    /// Cost model: epochs, logged (seconds from the logs) or macs [default: epochs].
    #[arg(long, value_name = "MODEL", help_heading = "Study")]
    cost: Option<CostKind>,
    /// Most one search may spend, in the cost unit [default: no cap].
    #[arg(long, value_name = "X", help_heading = "Study")]
    budget: Option<f64>,
    #[command(flatten)]
    strategy: StrategyArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "nas")]
    output: PathBuf,
    /// Skip regret.png.
    #[arg(long)]
    no_figures: bool,
    #[command(flatten)]
    font: FontArgs,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `naap nas`.
pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Simulate(args) => simulate(args),
    }
}

/// The settings of `--config`, or the built-in defaults.
fn base_config(args: &SimulateArgs) -> anyhow::Result<StudyConfig> {
    let Some(path) = &args.config else {
        return Ok(StudyConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(exit::usage)
        .with_context(|| format!("reading config {}", path.display()))?;
    toml::from_str(&text)
        .map_err(exit::usage)
        .with_context(|| format!("reading config {}", path.display()))
}

/// The study settings: built-in defaults, then the config file, then the
/// flags given.
fn study_config(
    args: &SimulateArgs,
    base: StudyConfig,
    dataset: &Path,
    logs: Option<&Path>,
) -> StudyConfig {
    let mut c = StudyConfig {
        dataset: dataset.display().to_string(),
        logs: logs.map(|p| p.display().to_string()),
        ..base
    };
    args.strategy.apply(&mut c);
    if let Some(pool) = &args.pool {
        c.pool = pool.clone();
    }
    if let Some(r) = args.repeats {
        c.repeats = r;
    }
    if let Some(cost) = args.cost {
        c.cost = cost;
    }
    if args.budget.is_some() {
        c.budget = args.budget;
    }
    c
}

/// Everything `naap nas simulate` may write into its folder besides [`FINISHED`].
const OUTPUTS: &[&str] = &["config.toml", "summary.md", "regret.png"];
/// The file whose presence marks a finished run.
const FINISHED: &str = "results.csv";

fn simulate(args: SimulateArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let base = base_config(&args)?;
    let data = data_dir::from_env(args.data.data_dir.as_deref());
    let from_base = |p: &str| (!p.is_empty()).then(|| PathBuf::from(p));
    let dataset_path = args
        .data
        .dataset
        .clone()
        .or_else(|| from_base(&base.dataset))
        .unwrap_or_else(|| args.data.path("naap440.csv"));
    let wants_logs = args.cost.unwrap_or(base.cost) == CostKind::Logged;
    let logs_path = wants_logs.then(|| {
        args.logs
            .clone()
            .or_else(|| base.logs.as_deref().and_then(from_base))
            .unwrap_or_else(|| data_dir::naap440_file(&data, "raw_data.tar.gz"))
    });
    let config = study_config(&args, base, &dataset_path, logs_path.as_deref())
        .validate()
        .map_err(exit::usage)
        .context("checking the study settings")?;
    if let (Some(p), Some(path)) = (config.predictor(), &config.config().predictor) {
        eprintln!(
            "naap: nas simulate ranks with the predictor file {path}: {}, features '{}', {}",
            p.model().name,
            p.feature_set().name(),
            config.config().predictor_checksum.as_deref().unwrap_or("")
        );
    }
    let dataset = Dataset::read(&dataset_path)
        .map_err(exit::usage)
        .with_context(|| format!("reading dataset {}", dataset_path.display()))?;
    let cost = match (config.cost(), &logs_path) {
        (CostKind::Epochs, _) => CostModel::epochs(),
        (CostKind::Macs, _) => CostModel::macs(&dataset.rows),
        (CostKind::Logged, Some(logs)) => CostModel::logged_from(logs)
            .map_err(exit::usage)
            .with_context(|| format!("reading the training logs {}", logs.display()))?,
        (CostKind::Logged, None) => unreachable!("logs are resolved for the logged cost"),
    };
    if !args.no_figures {
        // Find the font before the study, not after it.
        args.font.load()?;
    }

    naap_nas::check_study(&dataset, &cost, &config)
        .map_err(exit::usage)
        .context("checking the study against the dataset")?;
    // The folder is ours from here on: a second run into it fails at once,
    // and with --force nothing of an earlier run (an old regret.png) survives.
    let run_dir = output::claim(
        &args.output,
        &output::Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force: args.force,
            keep: &[],
        },
    )?;

    let searches = naap_nas::run_count(&config).map_err(exit::usage)?;
    let bar = progress::bar(
        searches as u64,
        "searching",
        progress::bars_enabled(args.quiet),
    );
    let results = naap_nas::run_study(&dataset, &cost, &config, &|| bar.inc(1));
    bar.finish_and_clear();
    let results = results
        .map_err(|e| match e {
            naap_nas::Error::InvalidConfig(_)
            | naap_nas::Error::InvalidInput(_)
            | naap_nas::Error::Dataset(_) => exit::usage(e),
            other => other.into(),
        })
        .with_context(|| format!("replaying the study on {}", dataset_path.display()))?;

    let title = format!(
        "NAS replay on {}: {} repeats, pool {}, seed {}",
        dataset_path.display(),
        config.repeats(),
        config.config().pool,
        config.seed()
    );
    let summary = report::summary_markdown(&results, &title).context("summarising the study")?;
    let figure = if args.no_figures {
        None
    } else {
        Some(naap_nas::figure::regret_png(&results).context("drawing regret.png")?)
    };
    let toml = toml::to_string(config.config()).context("serializing config.toml")?;
    run_dir
        .write("config.toml", toml.as_bytes())
        .map_err(output::error)?;
    run_dir
        .write("summary.md", summary.as_bytes())
        .map_err(output::error)?;
    if let Some(png) = &figure {
        run_dir.write("regret.png", png).map_err(output::error)?;
    }
    // results.csv last: its presence marks a finished run.
    let csv = report::results_csv(&results).context("building results.csv")?;
    run_dir.finish(&csv).map_err(output::error)?;

    print!("{summary}");
    eprintln!(
        "naap: nas simulate {} searches ({} strategies x {} repeats) in {:.1}s: {}",
        results.records.len(),
        results.strategies.len(),
        config.repeats(),
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(Outcome::Done)
}
