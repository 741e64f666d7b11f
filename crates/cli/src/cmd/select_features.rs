//! `naap select-features`: NAAP-440e feature-subset search per model in four
//! split modes (interpolation, left, right and dual extrapolation).

use crate::exit::{self, Outcome};
use crate::{data_dir, output, progress};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use naap_dataset::Dataset;
use naap_predict::features::FeatureSet;
use naap_predict::report::figures;
use naap_predict::select::{self, checkpoint, Mode, SearchResult, SelectConfig, SelectEvent};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
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
    /// Dataset CSV [default: <data dir>/naap440/naap440v2.csv].
    #[arg(long, value_name = "PATH")]
    dataset: Option<PathBuf>,
    /// Data folder [default: $NAAP_DATA_DIR, else ./data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
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
    /// [default: 0,3,6,9].
    #[arg(long, value_name = "K", value_delimiter = ',')]
    epochs: Vec<u32>,
    /// Seed of the neighbour choice and the prediction noise.
    #[arg(long, value_name = "N", default_value_t = SelectConfig::default().seed)]
    seed: u64,
    /// Skip the figures (scatter and rank confusion of each best subset).
    #[arg(long)]
    no_figures: bool,
    /// Reuse the finished searches in DIR/checkpoint.csv (an interrupted run).
    ///
    /// Finished searches are reused when the dataset, seed, fitting seeds
    /// and noise are the same; modes, models and feature sets may differ.
    #[arg(long)]
    resume: bool,
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
    let path = match &args.dataset {
        Some(p) => p.clone(),
        None => data_dir::naap440_file(
            &data_dir::from_env(args.data_dir.as_deref()),
            "naap440v2.csv",
        ),
    };
    let defaults = SelectConfig::default();
    let config = SelectConfig {
        modes: or_default(&args.modes, &defaults.modes),
        models: args.models.clone(),
        epochs: or_default(&args.epochs, &defaults.epochs),
        seed: args.seed,
        ..defaults
    };
    let valid = config.clone().validate().map_err(exit::usage)?;
    let out = &args.output;
    let checkpoint_path = out.join(CHECKPOINT);
    if checkpoint_path.exists() && !args.resume && !args.force {
        return Err(exit::usage(anyhow::anyhow!(
            "{} holds the searches of an earlier run; pass --resume to reuse them or --force to start over",
            checkpoint_path.display()
        )));
    }
    if !args.no_figures {
        let font = std::env::var_os("NAAP_FONT").map(PathBuf::from);
        figures::load_font(font.as_deref()).map_err(exit::usage)?;
    }
    let bytes = std::fs::read(&path)
        .map_err(exit::usage)
        .with_context(|| format!("reading dataset {}", path.display()))?;
    let dataset = Dataset::read(&path)
        .map_err(exit::usage)
        .with_context(|| format!("reading dataset {}", path.display()))?;
    let sets = valid.feature_sets(dataset.format).map_err(exit::usage)?;
    select::check_plan(&dataset, &valid)
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
            keep: if args.resume { &[CHECKPOINT] } else { &[] },
        },
    )?;
    let done = open_checkpoint(&run_dir, &fingerprint, &sets, args.resume)?;
    let journal = Mutex::new(
        std::fs::OpenOptions::new()
            .append(true)
            .open(&checkpoint_path)
            .with_context(|| format!("opening {}", checkpoint_path.display()))?,
    );
    let journal_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let journaled = Mutex::new(false);

    let bar = counter(progress::bars_enabled(args.quiet));
    let finished = |r: &SearchResult| {
        let mut file = journal.lock().unwrap_or_else(|e| e.into_inner());
        let written = file
            .write_all(checkpoint::search_lines(r).as_bytes())
            .and_then(|_| file.flush());
        *journaled.lock().unwrap_or_else(|e| e.into_inner()) = true;
        if let Err(e) = written {
            journal_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
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
    let results = select::run_selection(&dataset, &valid, &done, &|e| match e {
        SelectEvent::SubsetEvaluated => bar.inc(1),
        SelectEvent::SearchFinished(r) => finished(r),
    })
    .map_err(|e| {
        // A checkpoint without a finished search is of no use, and left
        // behind it would block the next run until --force.
        if done.is_empty() && !*journaled.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = std::fs::remove_file(&checkpoint_path);
        }
        match e {
            // Feature columns the dataset lacks (e.g. too few epochs) are input errors.
            naap_predict::Error::InvalidInput(_) => exit::usage(e),
            other => anyhow::Error::new(other),
        }
    })
    .context("running the feature search")?;
    bar.finish_and_clear();
    if let Some(e) = journal_error
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
    {
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
        let cells = select::best_cells(&dataset, &valid, &results)?;
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

/// Reads the finished searches of an interrupted run (with `--resume`) and
/// rewrites the checkpoint with just those, so that appending starts on a
/// clean line; starts a fresh checkpoint otherwise.
fn open_checkpoint(
    run_dir: &output::RunDir,
    fingerprint: &str,
    sets: &[FeatureSet],
    resume: bool,
) -> anyhow::Result<Vec<SearchResult>> {
    let path = run_dir.path().join(CHECKPOINT);
    let done = if resume && path.exists() {
        // Not UTF-8, a folder, unreadable: the checkpoint named is bad input.
        let text = std::fs::read_to_string(&path)
            .map_err(exit::usage)
            .with_context(|| format!("reading {}", path.display()))?;
        checkpoint::read(&text, fingerprint, sets)
            .map_err(exit::usage)
            .with_context(|| format!("resuming from {}", path.display()))?
    } else {
        Vec::new()
    };
    let mut text = fingerprint.to_string();
    for r in &done {
        text.push_str(&checkpoint::search_lines(r));
    }
    run_dir
        .write(CHECKPOINT, text.as_bytes())
        .map_err(output::error)?;
    Ok(done)
}

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
