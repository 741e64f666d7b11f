//! `naap nas`: neural-architecture search replayed on the stored curves.

use crate::args::{DatasetArgs, FontArgs, StrategyArgs};
use crate::exit::Outcome;
use crate::{data_dir, progress};
use naap_nas::simulate::{self, SimulateJob, SimulateRequest};
use naap_nas::CostKind;
use std::path::PathBuf;
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
    /// top-1 / top-1% / top-5% shares, and an anytime table: median regret
    /// at 1%, 5% and 10% of the exhaustive cost, median cost to the pool's
    /// best and to a top-1% scheme), trajectory.csv (cost and incumbent
    /// regret after every paid step), regret.png and config.toml, and
    /// prints the summary table.
    ///
    /// Strategies: exhaustive (the pool to the full epochs), random
    /// (--random-n schemes fully), successive-halving and hyperband
    /// (--eta, --min-epochs, --max-epochs), predictor (train all
    /// --k-epochs, rank by a model fitted on --known curves, fully train the
    /// --top-m best), zero-shot (the same from scheme features alone) and
    /// last-accuracy (rank by the accuracy at epoch k); and over the
    /// space's neighbourhood (`naap space neighbours`), each scheme trained
    /// --eval-epochs and at most --evaluations of them:
    /// regularized-evolution (--population, --sample), local-search
    /// (--init), bananas (--ensemble, --acquisition, --surrogate), bohb
    /// (--eta; rungs up to --eval-epochs) and reinforce (a policy over the
    /// space's decisions). Under `--known fold`
    /// the pool is split in two folds by a seeded shuffle and each fold is
    /// searched knowing the other's full curves.
    Simulate(Box<SimulateArgs>),
}

/// Arguments of `naap nas simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Study settings (a config.toml of an earlier run); flags override them.
    ///
    /// The config records the dataset's absolute path and SHA-256; a replay
    /// on a dataset with another checksum is refused.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Replay a --config on a dataset whose checksum differs from the one
    /// it recorded, with a warning.
    #[arg(long, requires = "config")]
    allow_changed_inputs: bool,
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
        Command::Simulate(args) => simulate(*args),
    }
}

fn simulate(args: SimulateArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let data = data_dir::from_env(args.data.data_dir.as_deref());
    let job = SimulateJob::resolve(&SimulateRequest {
        config: args.config,
        dataset: args.data.dataset,
        default_dataset: data_dir::naap440_file(&data, "naap440.csv"),
        logs: args.logs,
        default_logs: data_dir::naap440_file(&data, "raw_data.tar.gz"),
        pool: args.pool,
        repeats: args.repeats,
        cost: args.cost,
        budget: args.budget,
        strategies: args.strategy.strategy.clone(),
        seed: args.strategy.seed,
        predictor: args.strategy.predictor.clone(),
        flags: args.strategy.flags(),
        no_figures: args.no_figures,
        allow_changed_inputs: args.allow_changed_inputs,
    })?;
    for warning in job.warnings() {
        note!("naap: WARNING: {warning}");
    }
    if let Some(file) = job.config().predictor_file() {
        note!(
            "naap: nas simulate ranks with the predictor file {}",
            file.describe()
        );
    }
    if job.figures() {
        // Find the font before the study, not after it.
        args.font.load()?;
    }
    // The folder is ours from here on: a second run into it fails at once,
    // and with --force nothing of an earlier run (an old regret.png) survives.
    let run_dir = naap_output::RunDir::claim(&args.output, &SimulateJob::claim(args.force))?;
    let bar = progress::Bars::with_notes(progress::bars_enabled(args.quiet), false, "naap: ");
    let report = simulate::run(&job, run_dir, &bar)?;
    crate::stdout(format_args!("{}", report.summary))?;
    note!(
        "naap: nas simulate {} searches ({} strategies x {} repeats) in {:.1}s: {}",
        report.searches,
        report.strategies,
        report.repeats,
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(Outcome::Done)
}
