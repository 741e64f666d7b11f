//! One output file, or standard output for `-`, checked before the work.

use crate::write::{parent_of, temp_in, write_atomic};
use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a command's single output goes: standard output (`-`) or a file
/// written atomically.
///
/// [`OutputFile::prepare`] runs before the work and finds every problem it
/// can (a folder in the way, an existing file without `force`, a folder that
/// cannot be created or written); [`OutputFile::commit`] writes after it.
#[derive(Debug)]
pub enum OutputFile {
    /// `-`: the bytes go to standard output.
    Stdout,
    /// A file, replaced atomically.
    File(PathBuf),
}

impl OutputFile {
    /// Checks `path` before the work: `-` is standard output; a file path must
    /// not be a folder, must not exist unless `force`, and its folder must be
    /// creatable and writable (tested with a temporary file that is removed).
    pub fn prepare(path: &Path, force: bool) -> Result<OutputFile> {
        if path.as_os_str() == "-" {
            return Ok(OutputFile::Stdout);
        }
        if path.is_dir() {
            return Err(Error::WrongKind {
                path: path.to_path_buf(),
                found: "a folder",
                expected: "a file",
            });
        }
        if !force && path.exists() {
            return Err(Error::Exists(path.to_path_buf()));
        }
        let dir = parent_of(path);
        std::fs::create_dir_all(dir).map_err(Error::prepare(dir))?;
        drop(temp_in(dir).map_err(Error::prepare(dir))?);
        Ok(OutputFile::File(path.to_path_buf()))
    }

    /// Writes `bytes` to the prepared destination.
    pub fn commit(&self, bytes: &[u8]) -> Result<()> {
        match self {
            OutputFile::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .map_err(Error::write("standard output"))
            }
            OutputFile::File(path) => write_atomic(path, bytes),
        }
    }

    /// How to name the destination in messages.
    pub fn display(&self) -> String {
        match self {
            OutputFile::Stdout => "standard output".to_string(),
            OutputFile::File(p) => p.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_found_at_prepare_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("a.csv");
        std::fs::write(&existing, b"old").unwrap();
        assert!(matches!(
            OutputFile::prepare(&existing, false),
            Err(Error::Exists(_))
        ));
        assert!(matches!(
            OutputFile::prepare(dir.path(), true),
            Err(Error::WrongKind { .. })
        ));
        // A path below a file cannot be created.
        let below_file = existing.join("x.csv");
        let err = OutputFile::prepare(&below_file, false).unwrap_err();
        assert!(matches!(err, Error::Prepare { .. }), "{err}");
        assert!(err.is_input_error());
        let out = OutputFile::prepare(&existing, true).unwrap();
        out.commit(b"new").unwrap();
        assert_eq!(std::fs::read(&existing).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only a.csv, no temporary files");
        assert!(matches!(
            OutputFile::prepare(Path::new("-"), false),
            Ok(OutputFile::Stdout)
        ));
    }
}
