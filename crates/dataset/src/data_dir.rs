//! The one place that decides where data files live.
//!
//! Precedence never changes: an explicit `--data-dir` flag (a `data_dir`
//! argument in Python), else `$NAAP_DATA_DIR`, else `./data`. Every `naap`
//! command and the Python package resolve the published data (the NAAP-440
//! CSVs, schemes, CIFAR-10) here, so both find the same file.

use std::path::{Path, PathBuf};

/// The environment variable that overrides the default data folder.
pub const ENV_VAR: &str = "NAAP_DATA_DIR";

/// Resolves the data folder from an explicit flag and the environment value.
///
/// The environment is passed in rather than read here so tests can cover
/// every branch.
pub fn resolve(flag: Option<&Path>, env_value: Option<&str>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    match env_value {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from("data"),
    }
}

/// [`resolve`] with the real environment.
pub fn from_env(flag: Option<&Path>) -> PathBuf {
    resolve(flag, std::env::var(ENV_VAR).ok().as_deref())
}

/// Where a published NAAP-440 file is expected inside the data folder.
pub fn naap440_file(data_dir: &Path, name: &str) -> PathBuf {
    data_dir.join("naap440").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_default() {
        let flag = Path::new("/x");
        assert_eq!(resolve(Some(flag), Some("/env")), PathBuf::from("/x"));
        assert_eq!(resolve(None, Some("/env")), PathBuf::from("/env"));
        assert_eq!(resolve(None, Some("")), PathBuf::from("data"));
        assert_eq!(resolve(None, None), PathBuf::from("data"));
    }
}
