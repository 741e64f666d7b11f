//! `naap space`: enumerate a search space, profile schemes, print the default
//! space config.

use crate::data_dir;
use crate::exit::{self, Outcome};
use anyhow::Context;
use naap_profile::{ProfileConfig, ProfileValidConfig};
use naap_space::{SpaceConfig, SpaceValidConfig};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Subcommands of `naap space`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write every scheme of a search space as JSON (published format).
    ///
    /// With the default space the output is byte for byte the published
    /// generated_schemes.json (440 schemes, same order).
    Generate(GenerateArgs),
    /// Profile schemes: parameters, MACs and shape features as CSV.
    ///
    /// Columns: ModelId (1-based position), NumParams, NumMACs, NumLayers,
    /// NumStages, FirstLayerWidth, LastLayerWidth, NumSkipConnections,
    /// NumPartialRFLayers, counted as the published NAAP-440e dataset did
    /// (thop rules, 3x32x32 input, 10 classes).
    Profile(ProfileArgs),
    /// Write the neighbourhood graph of a search space as CSV.
    ///
    /// Columns: ModelId, Neighbour, Edit; one line per ordered pair (each
    /// edge both ways). Two schemes are neighbours when one edit turns one
    /// into the other (a layer's kernel size, width, stride or residual flag,
    /// or the deepest layer added or removed) and both are in the space: the
    /// moves of regularized evolution, local search and BANANAS.
    Neighbours(GenerateArgs),
    /// Print the commented default space config (the NAAP-440 space) as TOML.
    DefaultConfig,
}

/// Where a command writes its result.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output file (`-`: stdout) [default: stdout].
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// Arguments of `naap space generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Search-space config, .toml or .json [default: the NAAP-440 space].
    #[arg(long, value_name = "PATH")]
    space: Option<PathBuf>,
    /// Refuse a space with more schemes than this (counted before any is built).
    #[arg(long, value_name = "N", default_value_t = naap_space::DEFAULT_MAX_SCHEMES)]
    max_schemes: usize,
    #[command(flatten)]
    out: OutputArgs,
}

/// Arguments of `naap space profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    /// Scheme file [default: DATA/naap440/generated_schemes.json].
    #[arg(long, value_name = "PATH")]
    schemes: Option<PathBuf>,
    /// Data folder [default: $NAAP_DATA_DIR, else ./data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// Runs `naap space`.
pub fn run(cmd: Command) -> anyhow::Result<Outcome> {
    match cmd {
        Command::Generate(args) => generate(args),
        Command::Profile(args) => profile(args),
        Command::Neighbours(args) => neighbours(args),
        Command::DefaultConfig => {
            std::io::stdout()
                .lock()
                .write_all(naap_space::DEFAULT_CONFIG_TOML.as_bytes())
                .context("writing to stdout")?;
            Ok(Outcome::Done)
        }
    }
}

fn generate(args: GenerateArgs) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let dest = check_output(&args.out)?;
    let space = match &args.space {
        Some(path) => SpaceConfig::from_file(path)?,
        None => SpaceConfig::default().validate()?,
    };
    let count = naap_space::count_at_most(&space, args.max_schemes)
        .with_context(|| format!("generating {}", space_name(&args.space)))?;
    if count == 0 {
        return Err(exit::usage(anyhow::anyhow!(
            "{}: the space has no valid scheme (check residual and stride choices)",
            space_name(&args.space)
        )));
    }
    // Streamed scheme by scheme: a space of long schemes writes gigabytes
    // of JSON that need never be held in memory.
    dest.commit_with(&mut |w| naap_space::write_generated_json(&space, w).map(drop))?;
    summary("generated", count, &space_summary(&space), &args.out, start);
    Ok(Outcome::Done)
}

fn neighbours(args: GenerateArgs) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let dest = check_output(&args.out)?;
    let space = match &args.space {
        Some(path) => SpaceConfig::from_file(path)?,
        None => SpaceConfig::default().validate()?,
    };
    let graph = naap_space::Neighbourhood::of(&space, args.max_schemes)
        .with_context(|| format!("generating {}", space_name(&args.space)))?;
    if graph.is_empty() {
        return Err(exit::usage(anyhow::anyhow!(
            "{}: the space has no valid scheme (check residual and stride choices)",
            space_name(&args.space)
        )));
    }
    dest.commit(graph.to_csv().as_bytes())?;
    let edges: usize = (0..graph.len())
        .map(|i| naap_space::ModelId::from_index(i).map_or(0, |id| graph.degree(id)))
        .sum();
    let detail = format!("{} edges, {}", edges / 2, space_summary(&space));
    summary("linked", graph.len(), &detail, &args.out, start);
    Ok(Outcome::Done)
}

fn profile(args: ProfileArgs) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let dest = check_output(&args.out)?;
    let path = match args.schemes {
        Some(p) => p,
        None => data_dir::naap440_file(
            &data_dir::from_env(args.data_dir.as_deref()),
            "generated_schemes.json",
        ),
    };
    let schemes = naap_space::read_schemes(&path)?;
    let config: ProfileValidConfig = ProfileConfig::default()
        .validate()
        .expect("the default profile config is valid");
    let profiles = schemes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            naap_profile::profile(s, &config)
                .with_context(|| format!("{}: scheme {}", path.display(), i + 1))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    dest.commit(naap_profile::to_csv(&profiles).as_bytes())?;
    let from = format!("from {}", path.display());
    summary("profiled", profiles.len(), &from, &args.out, start);
    Ok(Outcome::Done)
}

fn space_name(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map_or_else(|| "the default space".into(), |p| p.display().to_string())
}

fn space_summary(space: &SpaceValidConfig) -> String {
    format!(
        "depth {}..={}, at most {} strided layers",
        space.min_depth(),
        space.max_depth(),
        space.max_stride2_layers()
    )
}

/// Checks the output early, before any work (`-` or no `-o`: stdout).
fn check_output(out: &OutputArgs) -> anyhow::Result<naap_output::OutputFile> {
    match &out.output {
        Some(path) => Ok(naap_output::OutputFile::prepare(path, out.force)?),
        None => Ok(naap_output::OutputFile::Stdout),
    }
}

fn summary(verb: &str, n: usize, detail: &str, out: &OutputArgs, start: Instant) {
    let dest = match out.output.as_deref() {
        Some(p) if p.as_os_str() != "-" => p.display().to_string(),
        _ => "stdout".into(),
    };
    note!(
        "naap space: {verb} {n} schemes ({detail}) in {:.2}s -> {dest}",
        start.elapsed().as_secs_f64()
    );
}
