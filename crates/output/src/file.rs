//! One output file, or standard output for `-`, checked before the work.

use crate::write::{parent_of, remove_stale_temporaries, temp_in, write_with};
use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a command's single output goes: standard output (`-`), a file
/// written atomically, or a FIFO or device written in place.
///
/// [`OutputFile::prepare`] runs before the work and finds every problem it
/// can (a folder in the way, an existing file without `force`, a folder that
/// cannot be created or written); [`OutputFile::commit`] writes after it.
#[derive(Debug)]
pub enum OutputFile {
    /// `-`: the bytes go to standard output.
    Stdout,
    /// A regular file, written to a temporary file and renamed over any
    /// file there (`--force`).
    File(PathBuf),
    /// A regular file that must not exist: written to a temporary file whose
    /// rename itself refuses a file that appeared during the work (another
    /// run's), so the check of [`OutputFile::prepare`] holds to the end.
    NewFile(PathBuf),
    /// A FIFO or a device (`/dev/null`, `/dev/stdout`): written in place,
    /// never replaced by a regular file.
    Special(PathBuf),
}

impl OutputFile {
    /// Checks `path` before the work: `-` is standard output; a FIFO or a
    /// device is written into; a file path must not be or name a folder
    /// (`out/`), must not exist unless `force`, and its folder must be
    /// creatable and writable (tested with a temporary file that is removed).
    /// Temporary files that killed runs left in that folder are removed.
    pub fn prepare(path: &Path, force: bool) -> Result<OutputFile> {
        if path.as_os_str() == "-" {
            return Ok(OutputFile::Stdout);
        }
        if let Some(kind) = special_kind(path) {
            return match kind {
                Special::Writable => Ok(OutputFile::Special(path.to_path_buf())),
                Special::Socket => Err(Error::WrongKind {
                    path: path.to_path_buf(),
                    found: "a socket",
                    expected: "a file, a FIFO or a device",
                }),
            };
        }
        if path.is_dir() {
            return Err(Error::WrongKind {
                path: path.to_path_buf(),
                found: "a folder",
                expected: "a file",
            });
        }
        if names_a_folder(path) {
            return Err(Error::WrongKind {
                path: path.to_path_buf(),
                found: "a folder name (it ends with /)",
                expected: "a file name",
            });
        }
        if !force && path.symlink_metadata().is_ok() {
            return Err(Error::Exists(path.to_path_buf()));
        }
        let dir = parent_of(path);
        std::fs::create_dir_all(dir).map_err(Error::prepare(dir))?;
        drop(temp_in(dir).map_err(Error::prepare(dir))?);
        remove_stale_temporaries(dir).map_err(Error::prepare(dir))?;
        let path = path.to_path_buf();
        Ok(if force {
            OutputFile::File(path)
        } else {
            OutputFile::NewFile(path)
        })
    }

    /// Writes `bytes` to the prepared destination.
    pub fn commit(&self, bytes: &[u8]) -> Result<()> {
        self.commit_with(&mut |w| w.write_all(bytes))
    }

    /// Writes what `fill` produces to the prepared destination, streamed
    /// (through a buffer) rather than built in memory first.
    pub fn commit_with(
        &self,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        match self {
            OutputFile::Stdout => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                fill(&mut out)
                    .and_then(|_| out.flush())
                    .map_err(Error::write("standard output"))
            }
            OutputFile::File(path) => write_with(path, true, fill),
            OutputFile::NewFile(path) => write_with(path, false, fill),
            OutputFile::Special(path) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(Error::write(path))?;
                let mut out = std::io::BufWriter::new(file);
                fill(&mut out)
                    .and_then(|_| out.flush())
                    .map_err(Error::write(path))
            }
        }
    }

    /// How to name the destination in messages.
    pub fn display(&self) -> String {
        match self {
            OutputFile::Stdout => "standard output".to_string(),
            OutputFile::File(path) | OutputFile::NewFile(path) | OutputFile::Special(path) => {
                path.display().to_string()
            }
        }
    }
}

/// What kind of non-regular file a path is, if it is one.
enum Special {
    /// A FIFO or a character or block device: written in place.
    Writable,
    /// A socket: cannot be opened as a file.
    Socket,
}

#[cfg(unix)]
fn special_kind(path: &Path) -> Option<Special> {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(path).ok()?.file_type();
    if kind.is_fifo() || kind.is_char_device() || kind.is_block_device() {
        Some(Special::Writable)
    } else if kind.is_socket() {
        Some(Special::Socket)
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_kind(_path: &Path) -> Option<Special> {
    None
}

/// `out/` or `out/.`: the user named a folder, which a file cannot be.
fn names_a_folder(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || text.ends_with("/.")
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

    #[test]
    fn the_no_clobber_check_holds_at_the_rename_and_live_temporaries_survive_a_cleaning() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("p.json");
        // Two runs pass the check before either writes.
        let (first, second) = (
            OutputFile::prepare(&target, false).unwrap(),
            OutputFile::prepare(&target, false).unwrap(),
        );
        first.commit(b"first").unwrap();
        assert!(matches!(second.commit(b"second"), Err(Error::Exists(_))));
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        // With --force the later run replaces it.
        OutputFile::prepare(&target, true)
            .unwrap()
            .commit(b"forced")
            .unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"forced");

        // A temporary being written (locked) is kept; a dead one goes.
        let live = temp_in(dir.path()).unwrap();
        crate::write::lock_exclusive(live.as_file()).unwrap();
        let dead = dir.path().join(format!("{}dead", crate::TEMP_PREFIX));
        std::fs::write(&dead, b"half").unwrap();
        OutputFile::prepare(&dir.path().join("q.json"), false).unwrap();
        assert!(live.path().exists() && !dead.exists());
    }
}
