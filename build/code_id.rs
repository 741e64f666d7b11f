//! Build-script module shared by naap-train and naap-predict (each build.rs
//! includes it with `#[path]` and calls [`emit`]): sets `NAAP_CODE_ID`, the
//! identity of the code a run's checkpoints were made with, so that a resumed
//! run can refuse results made by another build.
//!
//! The identity is a hash of the sources, not a git commit: a clean clone or a
//! source tarball without `.git` gets the same id, and an uncommitted edit gets
//! a new one. It covers the crate's `Cargo.toml`, `build.rs`, `src/` and `csrc/`
//! (naap-train's C++ shim), the same for every workspace crate it depends on
//! (`naap-*`, followed transitively), and this file. Third-party crate versions
//! (Cargo.lock) and the libtorch found at build time are not part of it.

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Hashes the sources and prints the `cargo:` lines (env var, rerun triggers).
pub fn emit() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let crates = workspace_crates(&manifest_dir);
    let mut hasher = Sha256::new();
    hasher.update(include_bytes!("code_id.rs"));
    for dir in &crates {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        hasher.update(name.unwrap_or_default().as_bytes());
        let mut files = vec![dir.join("Cargo.toml")];
        if dir.join("build.rs").exists() {
            files.push(dir.join("build.rs"));
        }
        collect_files(&dir.join("src"), &mut files);
        collect_files(&dir.join("csrc"), &mut files);
        for file in files {
            let relative = file.strip_prefix(dir).unwrap_or(&file);
            let bytes = std::fs::read(&file)
                .unwrap_or_else(|e| panic!("code id: cannot read {}: {e}", file.display()));
            // Lengths delimit names and contents, so no two trees hash alike by concatenation.
            for part in [relative.to_string_lossy().as_bytes(), &bytes[..]] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        for part in ["Cargo.toml", "build.rs", "src", "csrc"] {
            if dir.join(part).exists() {
                println!("cargo:rerun-if-changed={}", dir.join(part).display());
            }
        }
    }
    let digest = hasher.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = std::env::var("CARGO_PKG_NAME").expect("set by cargo");
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    println!("cargo:rustc-env=NAAP_CODE_ID={name} {version} sources {hex}");
}

/// The crate at `dir` and every `naap-*` crate it depends on, transitively,
/// as folders (workspace members live in `crates/<name without naap->`).
fn workspace_crates(dir: &Path) -> BTreeSet<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let dir = dir.canonicalize().unwrap_or(dir);
        if !seen.insert(dir.clone()) {
            continue;
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("code id: cannot read {}/Cargo.toml: {e}", dir.display()));
        for dep in naap_dependencies(&manifest) {
            todo.push(dir.join("..").join(dep));
        }
    }
    seen
}

/// Folder names of the `naap-*` entries of a manifest's `[dependencies]`
/// (`naap-space.workspace = true` → `space`); dev and build dependencies do
/// not shape the code that runs.
fn naap_dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
        } else if let Some(rest) = line.strip_prefix("naap-").filter(|_| in_deps) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            out.push(name);
        }
    }
    out
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
