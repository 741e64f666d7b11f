//! Atomic output files: write to a temporary file beside the target, then rename.
//!
//! An interrupted run never leaves a half-written file that looks valid, and
//! a command that fails before `commit` leaves no output at all.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically, refusing to replace an existing file
/// unless `force` is set.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    refuse_overwrite(path, force)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.flush())
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}

/// Fails with a usage error if `path` exists and `force` is not set.
pub fn refuse_overwrite(path: &Path, force: bool) -> anyhow::Result<()> {
    if !force && path.exists() {
        return Err(crate::exit::usage(anyhow::anyhow!(
            "{} already exists; pass --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_refuses_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/out.csv");
        write_atomic(&target, b"a,b\n", false).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"a,b\n");
        assert!(write_atomic(&target, b"x", false).is_err());
        write_atomic(&target, b"x", true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"x");
        // Only the target is left behind: no temporary files.
        assert_eq!(
            std::fs::read_dir(target.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
