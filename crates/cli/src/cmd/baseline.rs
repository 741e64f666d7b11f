//! `naap baseline`: the paper's 24 regressors on its 4 feature sets.

use crate::args::{DatasetArgs, FontArgs};
use crate::exit::{self, Outcome};
use crate::{output, progress};
use anyhow::Context;
use naap_predict::baseline::{self, BaselineConfig};
use naap_predict::features::FeatureSet;
use naap_predict::protocol::PAPER_SEEDS;
use naap_predict::report::{self, figures};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `naap baseline`.
///
/// Protocol of Hakim (2022): rows sorted by MaxAccuracy, the published
/// train/test split, NumParams and NumMACs log-transformed, a standard
/// scaler fitted on the train rows. Every (model, feature set) is fitted
/// with seeds 20220905..20220909 and reported by the seed with the median
/// number of monotonicity violations. Writes results.csv, table.md,
/// table.tex, config.toml and figures/ into the output folder.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset (default: naap440.csv in the data folder).
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "baseline")]
    output: PathBuf,
    /// Skip the per-cell PNG figures.
    #[arg(long)]
    no_figures: bool,
    #[command(flatten)]
    font: FontArgs,
    /// The extended study: every model of the registry (the 24, the
    /// transformed targets, Nu-SVR, LcSVR) on the paper's sets plus the
    /// zero-cost, learning-curve, SoTL and curve-extrapolation sets for 0, 1,
    /// 2, 3, 6 and 9 epochs; also writes budget.md (the best predictor per
    /// epochs spent), budget.png and proxies.md (Spearman of each proxy).
    /// The dataset needs the zero-cost columns (`naap proxies`, then
    /// `naap dataset join`).
    #[arg(long)]
    extended: bool,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `naap baseline`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let (dataset_path, _, dataset) = args.dataset.read("naap440.csv")?;
    if args.extended {
        naap_predict::extended::check_zero_cost_columns(&dataset)
            .map_err(exit::usage)
            .with_context(|| format!("reading dataset {}", dataset_path.display()))?;
    }
    if !args.no_figures {
        args.font.load()?;
    }
    // The folder is ours from here on: a second run into it fails at once,
    // and with --force nothing of an earlier run (old figures) survives.
    let run_dir = output::claim(
        &args.output,
        &output::Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force: args.force,
            keep: &[],
        },
    )?;

    let (models, sets) = if args.extended {
        (
            naap_predict::models::all_models(),
            naap_predict::extended::extended_sets(),
        )
    } else {
        (
            naap_predict::models::baseline_models(),
            FeatureSet::paper_sets(),
        )
    };
    let seeds = PAPER_SEEDS;
    let bars = progress::bars_enabled(args.quiet);
    let runs = baseline::run_count(models.len(), sets.len(), seeds.len());
    let bar = progress::bar(runs as u64, "fitting", bars);
    let results = baseline::run(&dataset, &models, &sets, &seeds, &|| bar.inc(1));
    bar.finish_and_clear();
    let results = results
        .map_err(exit::usage)
        .with_context(|| format!("running the baseline on {}", dataset_path.display()))?;

    let config = BaselineConfig::new(
        dataset_path.display().to_string(),
        &models,
        &sets,
        &seeds,
        !args.no_figures,
    );
    write_outputs(&run_dir, &results, &config)?;
    if args.extended {
        write_extended(&run_dir, &results, &sets, &dataset, !args.no_figures)?;
    }
    let mut n_figures = 0;
    if !args.no_figures {
        let bar = progress::bar(results.cells.len() as u64 * 2, "drawing", bars);
        let drawn = figures::all_figures(&results.cells, &|| bar.inc(1));
        bar.finish_and_clear();
        for (name, png) in drawn? {
            run_dir
                .write(&format!("figures/{name}"), &png)
                .map_err(output::error)?;
            n_figures += 1;
        }
    }
    // results.csv last, after the figures: its presence marks a finished run.
    let csv = report::results_csv(&results.cells).context("building results.csv")?;
    run_dir.finish(&csv).map_err(output::error)?;

    for f in &results.failures {
        eprintln!(
            "naap: {} on {} failed (seed {}): {}",
            f.model, f.feature_set, f.seed, f.message
        );
    }
    eprintln!(
        "naap: baseline {} cells ({} models x {} feature sets x {} seeds), {} failed, \
         {} figures, in {:.1}s: {}",
        results.cells.len(),
        models.len(),
        sets.len(),
        seeds.len(),
        results.failures.len(),
        n_figures,
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(if results.failures.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// Everything `naap baseline` may write into its folder besides [`FINISHED`].
const OUTPUTS: &[&str] = &[
    "config.toml",
    "table.md",
    "table.tex",
    "figures",
    "budget.md",
    "budget.png",
    "proxies.md",
];
/// The file whose presence marks a finished run.
const FINISHED: &str = "results.csv";

fn write_outputs(
    run_dir: &output::RunDir,
    results: &baseline::BaselineResults,
    config: &BaselineConfig,
) -> anyhow::Result<()> {
    let toml = toml::to_string(config).context("serializing config.toml")?;
    let tables = [
        ("config.toml", toml),
        ("table.md", report::table_markdown(&results.cells)),
        ("table.tex", report::table_tex(&results.cells)),
    ];
    for (name, text) in tables {
        run_dir
            .write(name, text.as_bytes())
            .map_err(output::error)?;
    }
    Ok(())
}

/// The extended study's summaries: the budget table and figure, and the
/// proxies' Spearman table; the budget is also printed.
fn write_extended(
    run_dir: &output::RunDir,
    results: &baseline::BaselineResults,
    sets: &[FeatureSet],
    dataset: &naap_dataset::Dataset,
    figures: bool,
) -> anyhow::Result<()> {
    use naap_predict::extended;
    let rows = extended::budget_rows(&results.cells, sets);
    let budget = extended::budget_markdown(&rows);
    let spearman = extended::proxy_spearman(dataset).map_err(exit::usage)?;
    let proxies = extended::proxy_markdown(&spearman, dataset.rows.len());
    run_dir
        .write("budget.md", budget.as_bytes())
        .map_err(output::error)?;
    run_dir
        .write("proxies.md", proxies.as_bytes())
        .map_err(output::error)?;
    if figures {
        let png = extended::budget_png(&rows)?;
        run_dir.write("budget.png", &png).map_err(output::error)?;
    }
    eprint!("{budget}\n{proxies}");
    Ok(())
}
