//! A run folder owned by one run: lock, clearing, atomic writes, finished marker.

use crate::write::{write_atomic, TEMP_PREFIX};
use crate::{Error, Result};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// The lock file inside a run folder; it is removed when the run ends.
pub const LOCK_FILE: &str = ".naap-lock";

/// What a run writes into its folder and how to treat earlier outputs.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// Files and folders the command may write, relative to the run folder
    /// (for example `"table.md"`, `"figures"`), whether or not this run
    /// writes them: with `force` they are all cleared.
    pub outputs: &'a [&'a str],
    /// The file that marks a finished run, written last by [`RunDir::finish`].
    pub finished: &'a str,
    /// Replace the outputs of an earlier run (`--force`).
    pub force: bool,
    /// Outputs left as they are even with `force` and not counted as an
    /// earlier run's (a checkpoint being resumed).
    pub keep: &'a [&'a str],
}

/// A run folder that this process owns until [`RunDir::finish`] or drop.
#[derive(Debug)]
pub struct RunDir {
    dir: PathBuf,
    finished: String,
    /// Holds the advisory lock; closing it releases the lock.
    lock: Option<File>,
    /// Whether the claim created the folder: a run that ends without
    /// finishing (a refused flag, a failure) removes it again if it is
    /// still empty, rather than leave an empty folder behind.
    created: bool,
}

impl RunDir {
    /// Takes `dir` for a run, before any work: refuses `-` and a path that is
    /// a file, creates the folder, takes its lock (failing at once if another
    /// run holds it), removes temporary files a killed run left, and refuses
    /// (or with `force` removes) the outputs of an earlier run.
    pub fn claim(dir: &Path, claim: &Claim) -> Result<RunDir> {
        if dir.as_os_str() == "-" {
            return Err(Error::StdoutFolder);
        }
        if dir.exists() && !dir.is_dir() {
            return Err(Error::WrongKind {
                path: dir.to_path_buf(),
                found: "a file",
                expected: "a folder",
            });
        }
        let created = dir.symlink_metadata().is_err();
        std::fs::create_dir_all(dir).map_err(Error::prepare(dir))?;
        let lock = match take_lock(dir) {
            Ok(lock) => lock,
            Err(e) => {
                if created {
                    let _ = std::fs::remove_dir(dir);
                }
                return Err(e);
            }
        };
        let run = RunDir {
            dir: dir.to_path_buf(),
            finished: claim.finished.to_string(),
            lock: Some(lock),
            created,
        };
        for name in claim.outputs.iter().chain([&claim.finished]) {
            check_name(name)?;
        }
        run.remove_temporaries(claim.outputs)?;
        // The marker first: if clearing stops half-way, the folder does not
        // look like a finished run.
        let present: Vec<&str> = std::iter::once(claim.finished)
            .chain(claim.outputs.iter().copied())
            .filter(|n| !claim.keep.contains(n))
            .filter(|n| dir.join(n).symlink_metadata().is_ok())
            .collect();
        if !present.is_empty() {
            if !claim.force {
                return Err(Error::EarlierRun {
                    dir: dir.to_path_buf(),
                    found: present.join(", "),
                });
            }
            for name in present {
                remove(&dir.join(name))?;
            }
        }
        Ok(run)
    }

    /// The run folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `name` (a relative path, folders created as needed)
    /// atomically.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        check_name(name)?;
        write_atomic(&self.dir.join(name), bytes)
    }

    /// Writes the finished marker with `bytes`, last, and releases the folder.
    pub fn finish(mut self, bytes: &[u8]) -> Result<()> {
        let written = write_atomic(&self.dir.join(&self.finished), bytes);
        self.created = false;
        self.release();
        written
    }

    fn release(&mut self) {
        if let Some(lock) = self.lock.take() {
            // Removed while still locked, so that a run waiting on this very
            // file sees it vanish and takes a fresh one (see `take_lock`).
            let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
            drop(lock);
            if self.created {
                // Fails, as meant, unless the folder is empty.
                let _ = std::fs::remove_dir(&self.dir);
            }
        }
    }

    fn remove_temporaries(&self, outputs: &[&str]) -> Result<()> {
        let mut dirs = vec![self.dir.clone()];
        dirs.extend(
            outputs
                .iter()
                .map(|n| self.dir.join(n))
                .filter(|p| p.is_dir()),
        );
        for dir in dirs {
            let entries = std::fs::read_dir(&dir).map_err(Error::prepare(&dir))?;
            for entry in entries {
                let entry = entry.map_err(Error::prepare(&dir))?;
                if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    remove(&entry.path())?;
                }
            }
        }
        Ok(())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        self.release();
    }
}

/// Opens and locks `dir/LOCK_FILE`, retrying if the file was replaced
/// between opening and locking (its holder removed it on release).
fn take_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    loop {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(Error::prepare(&path))?;
        match try_lock(&file) {
            Ok(true) => {}
            Ok(false) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(Error::InUse {
                    dir: dir.to_path_buf(),
                    holder: if holder.is_empty() {
                        format!("lock file {}", path.display())
                    } else {
                        format!("{holder}; lock file {}", path.display())
                    },
                });
            }
            Err(e) => return Err(Error::prepare(&path)(e)),
        }
        if !same_file(&file, &path) {
            continue;
        }
        let me = format!(
            "pid {}: {}",
            std::process::id(),
            std::env::args().collect::<Vec<_>>().join(" ")
        );
        file.set_len(0)
            .and_then(|_| file.write_all(me.as_bytes()))
            .and_then(|_| file.flush())
            .map_err(Error::prepare(&path))?;
        return Ok(file);
    }
}

/// Takes an exclusive advisory lock without waiting: `Ok(false)` if another
/// process holds it. The kernel releases it when the file is closed or the
/// process dies.
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without `flock` the lock file only names its holder.
#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

fn remove(path: &Path) -> Result<()> {
    let meta = path.symlink_metadata().map_err(Error::prepare(path))?;
    let removed = if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    removed.map_err(Error::prepare(path))
}

/// A name must stay inside the run folder.
fn check_name(name: &str) -> Result<()> {
    let path = Path::new(name);
    let ok = !name.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok && name != LOCK_FILE && !name.starts_with(TEMP_PREFIX) {
        Ok(())
    } else {
        Err(Error::BadName(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: Claim = Claim {
        outputs: &["table.md", "figures"],
        finished: "results.csv",
        force: false,
        keep: &[],
    };

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walk(dir)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn a_second_claim_fails_while_the_first_holds_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        let first = RunDir::claim(&dir, &CLAIM).unwrap();
        let err = RunDir::claim(&dir, &CLAIM).unwrap_err();
        assert!(matches!(err, Error::InUse { .. }), "{err}");
        assert!(err.to_string().contains("in use by another run"), "{err}");
        assert!(err.is_input_error());
        first.finish(b"done").unwrap();
        // Released: the lock file is gone and the next claim only meets the
        // earlier run's outputs.
        assert_eq!(names(&dir), vec!["results.csv"]);
        let err = RunDir::claim(&dir, &CLAIM).unwrap_err();
        assert!(matches!(err, Error::EarlierRun { .. }), "{err}");
    }

    #[test]
    fn a_lock_file_left_by_a_killed_run_does_not_block() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(LOCK_FILE), b"pid 1: naap baseline").unwrap();
        std::fs::write(tmp.path().join(format!("{TEMP_PREFIX}abc")), b"half").unwrap();
        let run = RunDir::claim(tmp.path(), &CLAIM).unwrap();
        drop(run);
        assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
    }

    #[test]
    fn force_clears_every_declared_output_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let run = RunDir::claim(dir, &CLAIM).unwrap();
        run.write("table.md", b"t").unwrap();
        run.write("figures/a.png", b"p").unwrap();
        run.finish(b"r").unwrap();
        std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
        let err = RunDir::claim(dir, &CLAIM).unwrap_err();
        assert!(
            err.to_string().contains("results.csv, table.md, figures"),
            "{err}"
        );
        // A forced run without figures leaves none of the old ones behind.
        let forced = Claim {
            force: true,
            ..CLAIM
        };
        let run = RunDir::claim(dir, &forced).unwrap();
        assert_eq!(names(dir), vec![LOCK_FILE, "notes.txt"]);
        run.write("table.md", b"t2").unwrap();
        run.finish(b"r2").unwrap();
        assert_eq!(names(dir), vec!["notes.txt", "results.csv", "table.md"]);
    }

    #[test]
    fn kept_outputs_survive_and_do_not_count_as_an_earlier_run() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("checkpoint.csv"), b"c").unwrap();
        let claim = Claim {
            outputs: &["checkpoint.csv", "best.md"],
            finished: "results.csv",
            force: true,
            keep: &["checkpoint.csv"],
        };
        drop(RunDir::claim(dir, &claim).unwrap());
        assert_eq!(std::fs::read(dir.join("checkpoint.csv")).unwrap(), b"c");
    }

    #[test]
    fn a_run_that_ends_unfinished_removes_the_empty_folder_it_created() {
        let tmp = tempfile::tempdir().unwrap();
        // (folder existed before, wrote something, folder left afterwards)
        for (existed, wrote, left) in [
            (false, false, false),
            (false, true, true),
            (true, false, true),
        ] {
            let dir = tmp.path().join(format!("run-{existed}-{wrote}"));
            if existed {
                std::fs::create_dir(&dir).unwrap();
            }
            let run = RunDir::claim(&dir, &CLAIM).unwrap();
            if wrote {
                run.write("table.md", b"t").unwrap();
            }
            drop(run);
            assert_eq!(dir.exists(), left, "existed {existed}, wrote {wrote}");
            if left {
                assert!(!dir.join(LOCK_FILE).exists());
            }
        }
        // A finished run keeps its folder, of course.
        let dir = tmp.path().join("finished");
        RunDir::claim(&dir, &CLAIM).unwrap().finish(b"").unwrap();
        assert!(dir.join("results.csv").exists());
    }

    #[test]
    fn bad_paths_are_refused_before_any_work() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        assert!(matches!(
            RunDir::claim(&file, &CLAIM),
            Err(Error::WrongKind { .. })
        ));
        assert!(matches!(
            RunDir::claim(&file.join("sub"), &CLAIM),
            Err(Error::Prepare { .. }) | Err(Error::WrongKind { .. })
        ));
        assert!(matches!(
            RunDir::claim(Path::new("-"), &CLAIM),
            Err(Error::StdoutFolder)
        ));
        let run = RunDir::claim(&tmp.path().join("ok"), &CLAIM).unwrap();
        assert!(matches!(run.write("../x", b""), Err(Error::BadName(_))));
        assert!(matches!(run.write(LOCK_FILE, b""), Err(Error::BadName(_))));
    }
}
