//! Where naap writes its results: run folders that one run owns for its whole
//! life, and single output files, neither of which can be stale, mixed or
//! half-written.
//!
//! Every command that writes a run folder (baseline, select-features, fit,
//! nas simulate, ...) goes through [`RunDir`]; every command that writes one
//! file (`space generate`, `dataset build`, ...) goes through [`OutputFile`].
//!
//! # A run folder
//!
//! ```no_run
//! use naap_output::{Claim, RunDir};
//! # fn main() -> naap_output::Result<()> {
//! // Before any work: the folder is created, locked and checked, so a bad
//! // `-o`, a second run into the same folder or earlier results without
//! // `--force` fail at once.
//! let claim = Claim {
//!     outputs: &["table.md", "figures"],
//!     finished: "results.csv",
//!     force: false,
//!     keep: &[],
//! };
//! let run = RunDir::claim("baseline".as_ref(), &claim)?;
//! // ... the long work ...
//! run.write("table.md", b"| model |")?;
//! run.write("figures/knn.png", b"...")?;
//! // The finished marker goes last; then the lock is released.
//! run.finish(b"Model,Features\n")?;
//! # Ok(())
//! # }
//! ```
//!
//! The rules [`RunDir`] enforces:
//! - **one owner**: the folder holds a lock file ([`LOCK_FILE`]) with an
//!   exclusive advisory lock (`flock`) while the run lives; a second claim
//!   fails at once with [`Error::InUse`]. The kernel drops the lock when the
//!   process dies, so a killed run never blocks the next one;
//! - **nothing stale**: without `force`, any of the declared outputs (or the
//!   finished marker) already present is [`Error::EarlierRun`]; with `force`
//!   they are all removed at claim time, the marker first, so outputs this run
//!   would not rewrite (old figures of a `--no-figures` run) do not survive.
//!   Files the run does not declare are never touched;
//! - **nothing half-written**: every file is written to a temporary file
//!   ([`TEMP_PREFIX`]) in its own folder and renamed over the target; a failed
//!   write removes its temporary file, and a claim removes temporaries that a
//!   killed run left;
//! - **finished means finished**: [`RunDir::finish`] writes the marker after
//!   everything else, so a folder without it is an interrupted run;
//! - files get the usual permissions (0666 minus the umask), not 0600.
//!
//! [`Error::is_input_error`] tells which errors are the user's (a bad path, a
//! busy folder, earlier results), for exit code 2.
//!
//! Beside the outputs, the few things every stage shares: whose fault an
//! error is ([`HasFault`]), progress of a long job ([`Progress`]), the
//! `--jobs` count ([`Jobs`]) and the check that a resumable result was made
//! by this build ([`build::check_same_build`]).

#![deny(missing_docs)]

pub mod build;
mod error;
mod fault;
#[cfg(feature = "figures")]
pub mod figure;
mod file;
mod jobs;
mod progress;
mod run_dir;
pub mod stream;
mod write;

pub use error::{Error, Result};
pub use fault::{reading_fault, Fault, HasFault};
pub use file::OutputFile;
pub use jobs::Jobs;
pub use progress::{Progress, Silent};
pub use run_dir::{Claim, RunDir, LOCK_FILE};
pub use write::{temp_in, write_atomic, TEMP_PREFIX};
