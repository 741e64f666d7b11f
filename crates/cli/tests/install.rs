//! Issue 12, items 1 and 9: a newcomer's test run, the install instructions and the
//! profiles they rely on.

use std::path::PathBuf;

fn repo_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn release_ships_without_debug_info_and_profiling_keeps_it() {
    let manifest: toml::Table = repo_file("Cargo.toml").parse().unwrap();
    let profiles = manifest["profile"].as_table().unwrap();
    let release = profiles["release"].as_table().unwrap();
    let no_debug = |t: &toml::Table| {
        matches!(t.get("debug"), None | Some(toml::Value::Boolean(false)))
            || t.get("debug").and_then(toml::Value::as_integer) == Some(0)
            || t.get("debug").and_then(toml::Value::as_str) == Some("none")
    };
    assert!(no_debug(release), "release keeps debug info: {release:?}");
    let profiling = profiles["profiling"].as_table().unwrap();
    assert_eq!(profiling["inherits"].as_str(), Some("release"));
    assert!(
        !no_debug(profiling),
        "profiling has no debug info: {profiling:?}"
    );
}

#[test]
fn readme_shows_how_to_install() {
    let readme = repo_file("README.md");
    assert!(
        readme.contains("cargo install --path crates/cli\n")
            || readme.contains("cargo install --path crates/cli ")
    );
    assert!(readme.contains("cargo install --path crates/cli --features train"));
    assert!(readme.contains("--profile profiling"));
}

/// Runs a copy of scripts/test.sh in a fresh "clone" with no ../shared, with
/// `curl` failing (offline) and a `cargo` that must not be reached.
fn newcomer_test_run(env: &[(&str, &str)]) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("clone");
    std::fs::create_dir_all(repo.join("scripts")).unwrap();
    std::fs::write(repo.join("scripts/test.sh"), repo_file("scripts/test.sh")).unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for (name, body) in [
        ("curl", "#!/bin/sh\nexit 7\n"),
        ("cargo", "#!/bin/sh\necho cargo was run >&2\nexit 99\n"),
    ] {
        let path = bin.join(name);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(repo.join("scripts/test.sh"))
        .env("PATH", path)
        .env_remove("NAAP_SHARED_DIR")
        .env_remove("NAAP_SKIP_TRAIN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    drop(tmp);
    out
}

#[test]
fn offline_without_data_the_test_run_stops_at_once_with_one_line() {
    let out = newcomer_test_run(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("the published data is missing"), "{err}");
    assert!(err.contains("NAAP_SHARED_DIR"), "{err}");
    assert!(!err.contains("cargo was run"), "{err}");
}

#[test]
fn a_data_folder_without_the_files_is_named_at_once() {
    let empty = tempfile::tempdir().unwrap();
    let out = newcomer_test_run(&[("NAAP_SHARED_DIR", empty.path().to_str().unwrap())]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("lacks the published data"), "{err}");
}
