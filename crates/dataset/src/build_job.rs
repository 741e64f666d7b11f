//! `naap dataset build` as a library job: the logs, the scheme list and the
//! settings resolved into a [`BuildJob`], whose [`BuildJob::run`] builds
//! the dataset and writes the one CSV.

use crate::{build, read_logs, BuildValidConfig, Built, LineEnding, Result};
use naap_output::{OutputFile, Progress};
use naap_space::Scheme;
use std::path::PathBuf;

/// A checked dataset build: every input named, nothing read yet.
#[derive(Debug, Clone)]
pub struct BuildJob {
    /// The training logs: a folder or a .tar.gz of `scheme_{id}.txt`.
    pub raw: PathBuf,
    /// The scheme list the logs were trained from; `None` is the NAAP-440
    /// space.
    pub schemes: Option<PathBuf>,
    /// The checked settings.
    pub config: BuildValidConfig,
    /// Line ends of the CSV (the published files use CRLF).
    pub line_ending: LineEnding,
}

impl BuildJob {
    /// Reads the scheme list and the logs, builds the dataset and writes it
    /// to `out`, counting the logs read through `progress`. Logs left out
    /// (with `skip_incomplete`) are listed in the result.
    pub fn run(&self, out: &OutputFile, progress: &dyn Progress) -> Result<Built> {
        let schemes = self.read_schemes()?;
        let logs = read_logs(&self.raw)?;
        progress.start(logs.len() as u64, "reading logs");
        let mut seen = 0;
        let built = build(&logs, &schemes, &self.config, |done, _| {
            progress.advance((done - seen) as u64);
            seen = done;
        });
        progress.finish();
        let built = built?;
        out.commit(built.dataset.to_csv(self.line_ending).as_bytes())?;
        Ok(built)
    }

    fn read_schemes(&self) -> Result<Vec<Scheme>> {
        Ok(match &self.schemes {
            Some(path) => naap_space::read_schemes(path)?,
            None => naap_space::generate(
                &naap_space::SpaceConfig::default()
                    .validate()
                    .expect("the default space is valid"),
            ),
        })
    }
}
