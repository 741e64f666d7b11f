//! (Being written; see the issue tracker.)

use crate::exit::Outcome;

/// Arguments of this command.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    anyhow::bail!("not implemented yet")
}
