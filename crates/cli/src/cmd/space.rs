//! (Being written; see the issue tracker.)

use crate::exit::Outcome;

/// Subcommands of this command.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Placeholder until the stage lands.
    Todo,
}

/// Runs the command.
pub fn run(_cmd: Command) -> anyhow::Result<Outcome> {
    anyhow::bail!("not implemented yet")
}
