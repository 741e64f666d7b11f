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

/// A temporary file in `dir`, with the usual permissions (0666 minus the
/// umask) rather than tempfile's private 0600: outputs are meant to be shared.
pub(crate) fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
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
    let dir = parent_of(path);
    std::fs::create_dir_all(dir).map_err(Error::write(dir))?;
    if path.is_dir() {
        return Err(Error::WrongKind {
            path: path.to_path_buf(),
            found: "a folder",
            expected: "a file",
        });
    }
    let mut tmp = temp_in(dir).map_err(Error::write(dir))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.flush())
        .map_err(Error::write(path))?;
    // `persist` hands the temporary file back on failure; dropping it here
    // deletes it (an error kept alive until `process::exit` would not).
    tmp.persist(path).map_err(|e| {
        drop(e.file);
        Error::Write {
            path: path.to_path_buf(),
            source: e.error,
        }
    })?;
    Ok(())
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

    /// The process umask, read from /proc (reading it with umask(2) would change it).
    #[cfg(unix)]
    fn current_umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
    }
}
