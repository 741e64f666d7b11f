//! `naap`: the NAAP-440 benchmark from search space to accuracy predictors.
//!
//! This crate stays thin: it parses arguments, resolves configs and data
//! locations, calls one stage entry point per command, renders progress and
//! maps errors to exit codes (see `exit.rs`).

mod cmd;
mod data_dir;
mod exit;
mod output;
mod progress;

use clap::{Parser, Subcommand};

/// Neural-architecture accuracy prediction: the NAAP-440 benchmark, end to end.
#[derive(Debug, Parser)]
#[command(name = "naap", version, about, after_help = exit::HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate and inspect the search space; profile schemes.
    #[command(subcommand)]
    Space(cmd::space::Command),
    /// Fetch the published NAAP-440 files or CIFAR-10, checksum-verified.
    Download(cmd::download::Args),
    /// Turn training logs into the NAAP-440 CSV.
    #[command(subcommand)]
    Dataset(cmd::dataset::Command),
    /// Run the paper's 24 regressors on its 4 feature sets and score them.
    Baseline(cmd::baseline::Args),
    /// NAAP-440e: search feature subsets per model, in four split modes.
    SelectFeatures(cmd::select_features::Args),
    /// Replay neural-architecture search strategies on the stored curves.
    #[command(subcommand)]
    Nas(cmd::nas::Command),
    /// Train schemes on CIFAR-10 with the NAAP recipe (needs the `train` feature).
    Train(cmd::train::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Space(c) => cmd::space::run(c),
        Command::Download(a) => cmd::download::run(a),
        Command::Dataset(c) => cmd::dataset::run(c),
        Command::Baseline(a) => cmd::baseline::run(a),
        Command::SelectFeatures(a) => cmd::select_features::run(a),
        Command::Nas(c) => cmd::nas::run(c),
        Command::Train(a) => cmd::train::run(a),
    };
    if let Err(err) = &result {
        if is_broken_pipe(err) {
            // `naap ... | head` closing the pipe early is normal use, not a failure.
            std::process::exit(exit::SUCCESS);
        }
        eprintln!("naap: {err:#}");
    }
    std::process::exit(exit::code(&result));
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
