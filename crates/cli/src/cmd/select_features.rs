//! `naap select-features`: NAAP-440e feature-subset search per model in four
//! split modes (interpolation, left, right and dual extrapolation).

use crate::exit::{self, Outcome};
use crate::{data_dir, output, progress};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use naap_dataset::Dataset;
use naap_predict::select::{self, Mode, SearchResult, SelectConfig, SelectEvent};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `naap select-features`.
///
/// For each split mode, model and feature set, a best-first search over
/// feature subsets (bit flags) starts from all features and flips one flag
/// at a time; each subset is scored round(MAE, 3) · sqrt(violation rate)
/// with the baseline's 5-seed median protocol on predictions with N(0, 1e-5)
/// noise. Writes results.csv (every subset), best.md and config.toml to DIR.
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
    /// Feature sets by epochs, comma-separated: 0 = Scheme, K = Scheme+Quant.K
    /// [default: 0,3,6,9].
    #[arg(long, value_name = "K", value_delimiter = ',')]
    epochs: Vec<u32>,
    /// Seed of the neighbour choice and the prediction noise.
    #[arg(long, value_name = "N", default_value_t = SelectConfig::default().seed)]
    seed: u64,
    /// Replace existing outputs in DIR.
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
        modes: if args.modes.is_empty() {
            defaults.modes.clone()
        } else {
            args.modes.clone()
        },
        models: args.models.clone(),
        epochs: if args.epochs.is_empty() {
            defaults.epochs.clone()
        } else {
            args.epochs.clone()
        },
        seed: args.seed,
        ..defaults
    };
    let valid = config.clone().validate().map_err(exit::usage)?;
    let results_path = args.output.join("results.csv");
    let best_path = args.output.join("best.md");
    let config_path = args.output.join("config.toml");
    for p in [&results_path, &best_path, &config_path] {
        output::refuse_overwrite(p, args.force)?;
    }
    let dataset = Dataset::read(&path)
        .map_err(exit::usage)
        .with_context(|| format!("reading dataset {}", path.display()))?;

    let bar = counter(progress::bars_enabled(args.quiet));
    let finished = |r: &SearchResult| {
        if bar.is_hidden() && !args.quiet {
            eprintln!(
                "{} / {} / {}: {} subsets",
                r.mode,
                r.model,
                r.feature_set,
                r.evaluated.len()
            );
        }
    };
    let results = select::run_selection(&dataset, &valid, &[], &|e| match e {
        SelectEvent::SubsetEvaluated => bar.inc(1),
        SelectEvent::SearchFinished(r) => finished(r),
    })
    .map_err(|e| match e {
        // Bad feature columns for the dataset (e.g. too few epochs) are input errors.
        naap_predict::Error::InvalidInput(_) => exit::usage(e),
        other => anyhow::Error::new(other),
    })
    .context("running the feature search")?;
    bar.finish_and_clear();

    let resolved = ResolvedConfig {
        dataset: path.display().to_string(),
        select: config,
    };
    let toml = toml::to_string_pretty(&resolved).context("serialising config.toml")?;
    output::write_atomic(&config_path, toml.as_bytes(), args.force)?;
    output::write_atomic(
        &results_path,
        &select::report::results_csv(&results)?,
        args.force,
    )?;
    output::write_atomic(
        &best_path,
        select::report::best_markdown(&results).as_bytes(),
        args.force,
    )?;

    let subsets: usize = results.iter().map(|r| r.evaluated.len()).sum();
    eprintln!(
        "naap select-features: {} searches, {subsets} subsets evaluated in {:.1}s; outputs in {}",
        results.len(),
        start.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(Outcome::Done)
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
