//! `naap dataset`: build the NAAP-440 CSV from training logs, check a CSV.

use crate::exit::Outcome;
use crate::{data_dir, progress};
use anyhow::Context;
use naap_dataset::{BuildConfig, BuildJob, Dataset, Format, LineEnding};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Subcommands of `naap dataset`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Build the dataset CSV from training logs (a folder or a .tar.gz).
    ///
    /// One row per `scheme_{id}.txt` log, in ModelId order, with the
    /// published columns; MaxAccuracy is the best test accuracy over the
    /// epochs used, losses are rounded to 4 decimals, and the test split is
    /// the middle row of each of 40 bins of the MaxAccuracy-sorted rows.
    /// From the published raw_data.tar.gz, `--format v1` rebuilds
    /// naap440.csv and `--format v2` naap440v2.csv byte for byte.
    ///
    /// A garbled log, a log whose #params/#MACs do not match its scheme, or
    /// one with fewer epochs than asked stops the build (exit 2, no CSV);
    /// with --skip-incomplete, logs that end early are left out and listed
    /// (exit 3).
    Build(BuildArgs),
    /// Validate a dataset CSV and print a summary (format, rows, epochs, split).
    Check(CheckArgs),
    /// Append numeric columns (e.g. `naap proxies` output) to a dataset by ModelId.
    ///
    /// EXTRA.csv has a `ModelId` column and one column per feature. Every
    /// ModelId of the dataset must be in EXTRA.csv and the other way round,
    /// and no new name may be a column the dataset already has; otherwise
    /// exit 2 and no output. The new columns follow the epoch columns, and
    /// feature sets name them (e.g. `Scheme + ZeroCost`).
    Join(JoinArgs),
}

/// Arguments of `naap dataset join`.
#[derive(Debug, clap::Args)]
pub struct JoinArgs {
    /// Dataset CSV (v1 or v2 columns, possibly with extra columns already).
    #[arg(value_name = "DATASET")]
    dataset: PathBuf,
    /// CSV of extra columns: `ModelId,NAME,...`.
    #[arg(value_name = "EXTRA")]
    extra: PathBuf,
    /// Output CSV file (CRLF line endings, as the published files).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// Column set of the written CSV.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// naap440.csv: 6 scheme features.
    V1,
    /// naap440v2.csv: + NumSkipConnections, NumPartialRFLayers.
    V2,
}

/// Line endings of the written CSV.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LineEndingArg {
    /// \r\n, as the published files.
    Crlf,
    /// \n.
    Lf,
}

/// Arguments of `naap dataset build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Folder of scheme_{id}.txt training logs, or a .tar.gz of one.
    #[arg(value_name = "RAW_DIR")]
    raw: PathBuf,
    /// Output CSV file (`-`: stdout).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Column set: v1 (naap440.csv) or v2 (naap440v2.csv).
    #[arg(long, value_enum, default_value = "v1")]
    format: FormatArg,
    /// Use the first N epochs of each log [default: the most any log has].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    epochs: Option<u32>,
    /// Leave out logs with fewer epochs than asked, list them, exit 3.
    #[arg(long)]
    skip_incomplete: bool,
    /// Line endings of the CSV (crlf matches the published files).
    #[arg(long, value_enum, default_value = "crlf")]
    line_ending: LineEndingArg,
    /// Schemes the logs were trained from, as space generate writes them
    /// [default: the NAAP-440 space].
    ///
    /// scheme_N.txt must hold scheme N of this list: a swapped, duplicated or
    /// foreign log stops the build, and every scheme needs its log.
    #[arg(long, value_name = "PATH")]
    schemes: Option<PathBuf>,
    /// Build only these ModelIds, e.g. 1-40,77 (each needs its log).
    #[arg(long, value_name = "IDS")]
    ids: Option<naap_space::IdList>,
    /// Test split: the middle row of each of N MaxAccuracy bins is a test row.
    #[arg(long, value_name = "N", default_value_t = 40)]
    test_bins: usize,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Arguments of `naap dataset check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Dataset CSV, v1 or v2 columns [default: DATA/naap440/naap440.csv].
    #[arg(value_name = "PATH")]
    file: Option<PathBuf>,
    /// Data folder [default: $NAAP_DATA_DIR, else ./data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

/// Runs `naap dataset`.
pub fn run(cmd: Command) -> anyhow::Result<Outcome> {
    match cmd {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Join(args) => join(args),
    }
}

fn join(args: JoinArgs) -> anyhow::Result<Outcome> {
    let out = naap_output::OutputFile::prepare(&args.output, args.force)?;
    let ds = Dataset::read(&args.dataset)?;
    let extra = naap_dataset::ExtraColumns::read(&args.extra)?;
    let joined = ds.join(&extra)?;
    out.commit(joined.to_csv(LineEnding::Crlf).as_bytes())?;
    note!(
        "naap: joined {} columns ({}) onto {} rows: {}",
        extra.names().len(),
        extra.names().join(", "),
        joined.rows.len(),
        args.output.display()
    );
    Ok(Outcome::Done)
}

fn build(args: BuildArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    // Fail before any work if the output is in the way (`-o -` is stdout).
    let out = naap_output::OutputFile::prepare(&args.output, args.force)?;
    let job = BuildJob {
        raw: args.raw.clone(),
        schemes: args.schemes.clone(),
        config: BuildConfig {
            format: match args.format {
                FormatArg::V1 => Format::V1,
                FormatArg::V2 => Format::V2,
            },
            epochs: args.epochs.map(|n| n as usize),
            skip_incomplete: args.skip_incomplete,
            test_bins: args.test_bins,
            ids: args.ids.clone(),
        }
        .validate()?,
        line_ending: match args.line_ending {
            LineEndingArg::Crlf => LineEnding::Crlf,
            LineEndingArg::Lf => LineEnding::Lf,
        },
    };
    let built = job
        .run(&out, &progress::Bars::new(args.quiet))
        .with_context(|| format!("building a dataset from {}", args.raw.display()))?;
    let ds = &built.dataset;
    for skipped in &built.skipped {
        note!("naap: skipped {}", skipped.reason);
    }
    note!(
        "naap: built {} rows ({} columns, {} epochs, {} test rows) from {} logs, {} skipped, \
         in {:.1}s: {}",
        ds.rows.len(),
        ds.format,
        ds.num_epochs(),
        ds.test_rows().count(),
        built.logs_found,
        built.skipped.len(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(if built.skipped.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

fn check(args: CheckArgs) -> anyhow::Result<Outcome> {
    let file = args.file.unwrap_or_else(|| {
        data_dir::naap440_file(&data_dir::from_env(args.data_dir.as_deref()), "naap440.csv")
    });
    let ds = Dataset::read(&file)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: format {}, {} rows, {} epochs, {} train rows, {} test rows",
        file.display(),
        ds.format,
        ds.rows.len(),
        ds.num_epochs(),
        ds.train_rows().count(),
        ds.test_rows().count()
    )
    .context("writing to stdout")?;
    Ok(Outcome::Done)
}
