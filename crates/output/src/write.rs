//! The one atomic write: a temporary file beside the target, then a rename.

use crate::{Error, Result};
use std::io::Write;
use std::path::Path;

/// How the names of temporary files start, so that a claim can recognise and
/// remove those a killed run left behind.
pub const TEMP_PREFIX: &str = ".naap-tmp-";

/// The folder a file is written into (`.` for a bare file name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file in `dir`, named with [`TEMP_PREFIX`], with the usual
/// permissions (0666 minus the umask) rather than tempfile's private 0600:
/// outputs are meant to be shared (a colleague's job reads a run's logs and
/// checkpoints on shared storage). Every stage that writes a file through a
/// temporary one (`persist`) takes it from here.
pub fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// (created if missing). On any failure the temporary file is removed and the
/// target is untouched. For a file inside a claimed run folder, prefer
/// [`crate::RunDir::write`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, true, &mut |w| w.write_all(bytes))
}

/// Writes what `fill` produces to `path` through a locked temporary file,
/// renamed over `path` at the end; unless `replace`, the rename fails if
/// `path` appeared meanwhile (another run wrote it), so the existence check
/// holds at the rename itself ([`Error::Exists`]).
pub(crate) fn write_with(
    path: &Path,
    replace: bool,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = parent_of(path);
    std::fs::create_dir_all(dir).map_err(Error::write(dir))?;
    if path.is_dir() {
        return Err(Error::WrongKind {
            path: path.to_path_buf(),
            found: "a folder",
            expected: "a file",
        });
    }
    let tmp = temp_in(dir).map_err(Error::write(dir))?;
    // Held while the file is written, so that a run cleaning leftovers
    // ([`remove_stale_temporaries`]) knows this one is alive.
    lock_exclusive(tmp.as_file()).map_err(Error::write(tmp.path()))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        fill(&mut w)
            .and_then(|_| w.flush())
            .map_err(Error::write(path))?;
    }
    // `persist` hands the temporary file back on failure; dropping it here
    // deletes it (an error kept alive until `process::exit` would not).
    let persisted = if replace {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| {
        drop(e.file);
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Exists(path.to_path_buf())
        } else {
            Error::Write {
                path: path.to_path_buf(),
                source: e.error,
            }
        }
    })?;
    Ok(())
}

/// Removes the temporary files in `dir` that no live run is writing: a run
/// killed before its rename leaves one, and the next run into the same
/// folder cleans it. A temporary being written is locked and kept.
pub(crate) fn remove_stale_temporaries(dir: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            || !entry.file_type()?.is_file()
        {
            continue;
        }
        let Ok(file) = std::fs::File::open(entry.path()) else {
            continue;
        };
        if try_lock_exclusive(&file)? {
            // Gone already (another run cleaned it) is fine.
            match std::fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
pub(crate) fn lock_exclusive(file: &std::fs::File) -> std::io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive).map_err(Into::into)
}

#[cfg(not(unix))]
pub(crate) fn lock_exclusive(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// An exclusive advisory lock without waiting: `Ok(false)` if another
/// process holds it. The kernel releases it when the file is closed or the
/// process dies.
#[cfg(unix)]
pub(crate) fn try_lock_exclusive(file: &std::fs::File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without `flock` nothing is known to be stale.
#[cfg(not(unix))]
pub(crate) fn try_lock_exclusive(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_in_the_way_is_refused_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        assert!(matches!(
            write_atomic(&target, b"x"),
            Err(Error::WrongKind { .. })
        ));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_get_the_umask_permissions_not_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        write_atomic(&target, b"a\n").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        // Whatever the umask of the test process, group/other read bits are
        // only missing if the umask removes them; 0600 means tempfile's default leaked.
        let umask = current_umask();
        assert_eq!(mode, 0o666 & !umask, "mode {mode:o}, umask {umask:o}");
    }

    #[cfg(unix)]
    #[test]
    fn every_way_of_writing_a_file_follows_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let umask = current_umask();
        let persisted = |name: &str| {
            let tmp = temp_in(dir.path()).unwrap();
            let path = dir.path().join(name);
            tmp.persist(&path).unwrap();
            path
        };
        let written = |name: &str, replace: bool| {
            let path = dir.path().join(name);
            write_with(&path, replace, &mut |w| w.write_all(b"x")).unwrap();
            path
        };
        for path in [
            persisted("checkpoint.ot"),
            written("log.txt", true),
            written("new.csv", false),
        ] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o666 & !umask, "{}: mode {mode:o}", path.display());
        }
    }

    /// The process umask, read from /proc (reading it with umask(2) would change it).
    #[cfg(unix)]
    fn current_umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
    }
}
