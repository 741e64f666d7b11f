//! The one place tests find the published data (NAAP-440 and CIFAR-10).
//!
//! Lookup order: `$NAAP_SHARED_DIR`; else `../shared` beside the repository
//! (developer machines and CI); else `./data` in the repository, where
//! `scripts/test.sh` downloads the published files with `naap download` when
//! neither exists. Every crate's tests use it as a dev-dependency, so the
//! rule lives once. A missing file panics with one line that says what is
//! missing and how to get it, not an `unwrap` on a path.
//!
//! Tests that need only a small file keep their own fixtures instead.

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The environment variable that names the data folder.
pub const ENV_VAR: &str = "NAAP_SHARED_DIR";

/// The repository root (this crate lives in `crates/testdata`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The data folder: `$NAAP_SHARED_DIR`, else `../shared`, else `./data`
/// (holding `naap440/` and `cifar10/`).
pub fn shared_dir() -> PathBuf {
    resolve(std::env::var_os(ENV_VAR).map(PathBuf::from), &repo_root())
}

/// [`shared_dir`] with the environment passed in, so both branches are tested.
fn resolve(env: Option<PathBuf>, root: &Path) -> PathBuf {
    if let Some(dir) = env.filter(|d| !d.as_os_str().is_empty()) {
        return dir;
    }
    let shared = root.join("../shared");
    if shared.join("naap440").is_dir() {
        return shared;
    }
    root.join("data")
}

/// A published NAAP-440 file (`naap440.csv`, `naap440v2.csv`,
/// `generated_schemes.json`, `raw_data.tar.gz`); panics with advice if it is
/// missing.
pub fn naap440(name: &str) -> PathBuf {
    existing(shared_dir().join("naap440").join(name))
}

/// CIFAR-10 as the tests read it: the shared JPEG archive
/// (`cifar10/cifar10-jpg.tar.gz`), else the official binary release that
/// `naap download cifar10` unpacks (`cifar10/cifar-10-batches-bin`).
pub fn cifar10() -> PathBuf {
    let dir = shared_dir().join("cifar10");
    let jpg = dir.join("cifar10-jpg.tar.gz");
    if jpg.exists() {
        return jpg;
    }
    existing(dir.join("cifar-10-batches-bin"))
}

fn existing(path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "published data missing: {} (run `bash scripts/test.sh`, which downloads it into ./data, \
         or set {ENV_VAR} to a folder with naap440/ and cifar10/)",
        path.display()
    );
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_beats_shared_beats_data() {
        let tmp = std::env::temp_dir().join(format!("naap-testdata-{}", std::process::id()));
        let root = tmp.join("repo");
        std::fs::create_dir_all(&root).unwrap();
        assert_eq!(resolve(Some("/x".into()), &root), PathBuf::from("/x"));
        assert_eq!(resolve(Some("".into()), &root), root.join("data"));
        assert_eq!(resolve(None, &root), root.join("data"));
        std::fs::create_dir_all(tmp.join("shared/naap440")).unwrap();
        assert_eq!(resolve(None, &root), root.join("../shared"));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
