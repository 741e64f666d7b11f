//! `naap`: the NAAP-440 benchmark from search space to accuracy predictors.
//!
//! This crate stays thin: it parses arguments, resolves configs and data
//! locations, calls one stage entry point per command, renders progress and
//! maps errors to exit codes (see `exit.rs`).

/// A line on standard error through naap_output::stream, which never panics
/// (`eprintln!` does when stderr is closed or full).
macro_rules! note {
    ($($t:tt)*) => {
        naap_output::stream::err(format_args!("{}\n", format_args!($($t)*)))
    };
}

/// Text on standard error without a newline added (see [`note!`]).
macro_rules! note_raw {
    ($($t:tt)*) => {
        naap_output::stream::err(format_args!($($t)*))
    };
}

mod args;
mod cmd;
mod exit;
mod progress;

// Where the published data lives is the library's decision, shared with the Python package.
use naap_dataset::data_dir;

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
    #[command(long_about = cmd::baseline::LONG_ABOUT)]
    Baseline(cmd::baseline::Args),
    /// NAAP-440e: search feature subsets per regressor, in four split modes.
    #[command(long_about = cmd::select_features::LONG_ABOUT)]
    SelectFeatures(cmd::select_features::Args),
    /// Score predictors over training-set sizes, fidelities and trials.
    #[command(long_about = cmd::evaluate::LONG_ABOUT)]
    Evaluate(cmd::evaluate::Args),
    /// Fit one predictor and save it as a file.
    #[command(long_about = cmd::fit::LONG_ABOUT)]
    Fit(cmd::fit::Args),
    /// Predict the accuracy of schemes with a predictor file.
    #[command(long_about = cmd::predict::LONG_ABOUT)]
    Predict(cmd::predict::Args),
    /// Replay neural-architecture search strategies on the stored curves.
    #[command(subcommand)]
    Nas(cmd::nas::Command),
    /// Train schemes on CIFAR-10 with the NAAP recipe (needs the `train` feature).
    Train(cmd::train::Args),
    /// Zero-cost proxies of schemes at initialisation (needs the `train` feature).
    Proxies(cmd::proxies::Args),
    /// Search a space by training real candidates, keeping only the promising ones (needs the `train` feature).
    Search(Box<cmd::search::Args>),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Space(c) => cmd::space::run(c),
        Command::Download(a) => cmd::download::run(a),
        Command::Dataset(c) => cmd::dataset::run(c),
        Command::Baseline(a) => cmd::baseline::run(a),
        Command::SelectFeatures(a) => cmd::select_features::run(a),
        Command::Evaluate(a) => cmd::evaluate::run(a),
        Command::Fit(a) => cmd::fit::run(a),
        Command::Predict(a) => cmd::predict::run(a),
        Command::Nas(c) => cmd::nas::run(c),
        Command::Train(a) => cmd::train::run(a),
        Command::Proxies(a) => cmd::proxies::run(a),
        Command::Search(a) => cmd::search::run(*a),
    };
    if let Err(err) = &result {
        if is_broken_pipe(err) {
            // `naap ... | head` closing the pipe early is normal use, not a failure.
            std::process::exit(exit::SUCCESS);
        }
        note!("naap: {}", one_line(err));
    }
    std::process::exit(final_code(
        exit::code(&result),
        naap_output::stream::stream_exit(),
    ));
}

/// The exit code once the streams are counted: a command that failed keeps
/// its code; one that succeeded but could not write its messages (stderr on
/// a full disk) fails with 1. A closed pipe is never a failure.
fn final_code(code: i32, stream_failure: Option<std::io::ErrorKind>) -> i32 {
    match stream_failure {
        Some(_) if code == exit::SUCCESS || code == exit::PARTIAL => exit::FAILURE,
        _ => code,
    }
}

/// Writes a command's result to standard output; a failure is a write error
/// of standard output (a closed pipe ends the run quietly, see `main`).
fn stdout(args: std::fmt::Arguments) -> naap_output::Result<()> {
    naap_output::stream::out(args).map_err(|source| naap_output::Error::Write {
        path: "standard output".into(),
        source,
    })
}

/// The most characters of one cause that a message prints. Libraries quote
/// offending input in part (naap_dataset::excerpt); this bounds every other
/// cause, so a 1 GB line never becomes a 1 GB message.
const MAX_CAUSE_CHARS: usize = 600;

/// The whole cause chain on one line, as `{:#}` prints it, each cause cut to
/// [`MAX_CAUSE_CHARS`].
fn one_line(err: &anyhow::Error) -> String {
    let texts: Vec<String> = err.chain().map(ToString::to_string).collect();
    texts
        .iter()
        .enumerate()
        // An error that quotes its source (`writing x: No space left`) is not
        // followed by that source again.
        .filter(|(i, text)| *i == 0 || !texts[i - 1].ends_with(text.as_str()))
        .map(|(_, text)| {
            let text = text.clone();
            match text.char_indices().nth(MAX_CAUSE_CHARS) {
                None => text,
                Some((cut, _)) => format!("{}… ({} more bytes)", &text[..cut], text.len() - cut),
            }
        })
        .collect::<Vec<_>>()
        .join(": ")
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
    fn each_cause_is_cut_and_the_chain_kept() {
        use anyhow::Context;
        let huge = "x".repeat(1 << 20);
        let err = Err::<(), _>(anyhow::anyhow!("bad value {huge}"))
            .context("reading a.csv")
            .unwrap_err();
        let line = one_line(&err);
        assert!(
            line.starts_with("reading a.csv: bad value xxx"),
            "{}",
            &line[..40]
        );
        assert!(line.len() < 700, "{} bytes", line.len());
        let short = anyhow::anyhow!("inner").context("outer");
        assert_eq!(one_line(&short), format!("{short:#}"));
    }

    #[test]
    fn long_help_of_the_prediction_commands_is_their_whole_doc() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        for (name, words) in [
            ("baseline", "Protocol of Hakim (2022)"),
            ("select-features", "best-first search over feature subsets"),
            ("fit", "writes a predictor file"),
            ("predict", "--skip-incomplete, which predicts the rest"),
        ] {
            // Words joined by single spaces, however the terminal wraps them.
            let flat = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
            let help = flat(
                cli.find_subcommand_mut(name)
                    .unwrap()
                    .render_long_help()
                    .to_string(),
            );
            assert!(help.contains(words), "naap {name} --help:\n{help}");
            let short = flat(
                cli.find_subcommand_mut(name)
                    .unwrap()
                    .render_help()
                    .to_string(),
            );
            assert!(!short.contains(words), "naap {name} -h:\n{short}");
        }
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
