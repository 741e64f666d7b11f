//! `naap select-features`: NAAP-440e feature-subset search per model in four
//! split modes (interpolation, left, right and dual extrapolation).

use crate::args::{DatasetArgs, FontArgs};
use crate::exit::{self, Outcome};
use crate::{output, progress};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use naap_predict::report::figures;
use naap_predict::select::checkpoint::{self, Journal};
use naap_predict::select::{self, Mode, SearchResult, SelectConfig, SelectEvent};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `naap select-features`.
///
/// For each split mode, model and feature set, a best-first search over
/// feature subsets (bit flags) starts from all features and flips one flag
/// at a time; each subset is scored round(MAE, 3) · sqrt(violation rate)
/// with the baseline's 5-seed median protocol on predictions with N(0, 1e-5)
/// noise. Writes results.csv (every subset), best.md, config.toml and
/// figures/ (the best subsets, as in the baseline) to DIR. Finished searches
/// go to DIR/checkpoint.csv (full precision) as they end, so `--resume`
/// continues an interrupted run or extends a finished one.
/// Extrapolation modes run only the models that can extrapolate.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset (default: naap440v2.csv in the data folder).
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "select-features")]
    output: PathBuf,
    /// Split modes, comma-separated [default: all four].
    ///
    /// interpolation, left-extrapolation, right-extrapolation,
    /// dual-extrapolation (or just left, right, dual).
    #[arg(long, value_name = "MODE", value_delimiter = ',', value_parser = parse_mode)]
    modes: Vec<Mode>,
    /// Model names as in the outputs, comma-separated [default: all].
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    models: Vec<String>,
    /// Feature sets by epochs, comma-separated: 0 = Scheme8 (all scheme features;
    /// Scheme6 on a v1 dataset), K = Scheme8+Quant.K (plus e1..eK)
    /// [default: 0,3,6,9, or none when --feature-set is given].
    #[arg(long, value_name = "K", value_delimiter = ',')]
    epochs: Vec<u32>,
    /// A feature set by name, searched after those of --epochs; repeat for more.
    ///
    /// Sets with more to search over than --epochs gives:
    /// Scheme8+ZeroCost and Scheme8+ZeroCost+Quant.K add the zero-cost
    /// proxies (LogSynFlow, GradNorm, Snip, JacobCov: a dataset made by
    /// `naap dataset join` with `naap proxies`' output); Scheme8+Quant.K+Curve
    /// and Scheme8+ZeroCost+Quant.K+Curve add LcSVR's curve features of the K
    /// epochs (first and second accuracy differences, their means and stds),
    /// SoTL@K and Extrap90@K. Any name `naap baseline` prints works too
    /// (e.g. 'Scheme + Curve 3 epochs'); at most 64 features.
    #[arg(long = "feature-set", value_name = "NAME")]
    feature_sets: Vec<String>,
    /// Seed of the neighbour choice and the prediction noise.
    #[arg(long, value_name = "N", default_value_t = SelectConfig::default().seed)]
    seed: u64,
    /// Skip the figures (scatter and rank confusion of each best subset).
    #[arg(long)]
    no_figures: bool,
    #[command(flatten)]
    font: FontArgs,
    /// Reuse the finished searches in DIR/checkpoint.csv (an interrupted run).
    ///
    /// Finished searches are reused when the dataset, seed, fitting seeds
    /// and noise are the same; modes, models and feature sets may differ.
    #[arg(long)]
    resume: bool,
    /// As --resume, but a checkpoint written by another build of naap is
    /// not refused: its searches are redone (none of its results are kept).
    #[arg(long)]
    resume_stale: bool,
    /// Replace existing outputs (and any checkpoint) in DIR.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_mode(s: &str) -> Result<Mode, String> {
    s.parse().map_err(|e: naap_predict::Error| e.to_string())
}

/// Runs the command.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let defaults = SelectConfig::default();
    let config = SelectConfig {
        modes: or_default(&args.modes, &defaults.modes),
        models: args
            .models
            .iter()
            .map(|m| m.parse())
            .collect::<Result<_, naap_predict::models::Error>>()?,
        // Named sets alone when asked for only them.
        epochs: if args.epochs.is_empty() && !args.feature_sets.is_empty() {
            Vec::new()
        } else {
            or_default(&args.epochs, &defaults.epochs)
        },
        feature_sets: args
            .feature_sets
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, naap_predict::Error>>()?,
        seed: args.seed,
        ..defaults
    };
    let valid = config.clone().validate().map_err(exit::usage)?;
    let out = &args.output;
    let checkpoint_path = out.join(CHECKPOINT);
    let resume = args.resume || args.resume_stale;
    if checkpoint_path.exists() && !resume && !args.force {
        return Err(exit::usage(anyhow::anyhow!(
            "{} holds the searches of an earlier run; pass --resume to reuse them or --force to start over",
            checkpoint_path.display()
        )));
    }
    if !args.no_figures {
        args.font.load()?;
    }
    // Read and prepared once: the bytes fingerprint the checkpoint, the plan
    // serves the searches and the figures.
    let (path, bytes, dataset) = args.dataset.read("naap440v2.csv")?;
    let sets = valid.feature_sets(dataset.format).map_err(exit::usage)?;
    let plan = select::prepare(&dataset, &valid)
        .map_err(exit::usage)
        .with_context(|| format!("preparing features from {}", path.display()))?;
    let fingerprint = checkpoint::fingerprint(&valid, &bytes);
    // The folder is ours from here on; a resumed checkpoint stays, every other
    // output of an earlier run is refused (or cleared with --force).
    let run_dir = output::claim(
        out,
        &output::Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force: args.force,
            keep: if resume { &[CHECKPOINT] } else { &[] },
        },
    )?;
    let (journal, done) = Journal::open(
        &checkpoint_path,
        &fingerprint,
        &sets,
        resume,
        args.resume_stale,
    )
    .map_err(|e| match e {
        naap_predict::Error::InvalidInput(_) => exit::usage(e),
        other => anyhow::Error::new(other),
    })
    .context("resuming")?;

    let bar = counter(progress::bars_enabled(args.quiet));
    let finished = |r: &SearchResult| {
        journal.record(r);
        if bar.is_hidden() && !args.quiet {
            let best = r.best();
            eprintln!(
                "{} / {} / {}: {} subsets, best score {:.6} ({} of {} features)",
                r.mode,
                r.model,
                r.feature_set,
                r.evaluated.len(),
                best.score,
                best.flags.count(),
                r.features.len()
            );
        }
    };
    let results = select::run_selection(&plan, &valid, &done, &|e| match e {
        SelectEvent::SubsetEvaluated => bar.inc(1),
        SelectEvent::SearchFinished(r) => finished(r),
    })
    .map_err(|e| {
        // A checkpoint without a finished search is of no use, and left
        // behind it would block the next run until --force.
        journal.discard_if_empty();
        match e {
            // Feature columns the dataset lacks (e.g. too few epochs) are input errors.
            naap_predict::Error::InvalidInput(_) => exit::usage(e),
            other => anyhow::Error::new(other),
        }
    })
    .context("running the feature search")?;
    bar.finish_and_clear();
    if let Some(e) = journal.close() {
        eprintln!("naap: warning: the checkpoint could not be written: {e}");
    }

    let resolved = ResolvedConfig {
        dataset: path.display().to_string(),
        select: config,
    };
    let toml = toml::to_string_pretty(&resolved).context("serialising config.toml")?;
    let md = select::report::best_markdown(&results);
    for (name, bytes) in [("config.toml", toml.as_bytes()), ("best.md", md.as_bytes())] {
        run_dir.write(name, bytes).map_err(output::error)?;
    }
    let mut figure_count = 0;
    if !args.no_figures {
        let cells = select::best_cells(&plan, &valid, &results)?;
        for (name, png) in figures::all_figures(&cells, &|| {})? {
            run_dir
                .write(&format!("figures/{name}"), &png)
                .map_err(output::error)?;
            figure_count += 1;
        }
    }
    // results.csv last, after the figures: its presence marks a finished run.
    let csv = select::report::results_csv(&results)?;
    run_dir.finish(&csv).map_err(output::error)?;
    let subsets: usize = results.iter().map(|r| r.evaluated.len()).sum();
    eprintln!(
        "naap select-features: {} searches ({} resumed), {subsets} subsets, {figure_count} figures in {:.1}s; outputs in {}",
        results.len(),
        done.len(),
        start.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(Outcome::Done)
}

fn or_default<T: Clone>(given: &[T], default: &[T]) -> Vec<T> {
    if given.is_empty() { default } else { given }.to_vec()
}

/// Everything `naap select-features` may write into its folder besides [`FINISHED`].
const OUTPUTS: &[&str] = &[CHECKPOINT, "config.toml", "best.md", "figures"];
/// The file whose presence marks a finished run.
const FINISHED: &str = "results.csv";
/// The journal of finished searches that `--resume` reads.
const CHECKPOINT: &str = "checkpoint.csv";

/// Everything needed to reproduce a run, written as `config.toml`.
#[derive(Debug, serde::Serialize)]
struct ResolvedConfig {
    dataset: String,
    select: SelectConfig,
}

/// A bar counting evaluated subsets; the total is not known in advance.
fn counter(enabled: bool) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_draw_target(if enabled {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    pb.set_style(
        ProgressStyle::with_template("{spinner} {pos} subsets evaluated ({elapsed}, {per_sec})")
            .expect("static template is valid"),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    pb
}
