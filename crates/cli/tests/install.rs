//! Issue 12, item 9: the install instructions and the profiles they rely on.

use std::path::PathBuf;

fn repo_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn issue12_release_ships_without_debug_info_and_profiling_keeps_it() {
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
fn issue12_readme_shows_how_to_install() {
    let readme = repo_file("README.md");
    assert!(
        readme.contains("cargo install --path crates/cli\n")
            || readme.contains("cargo install --path crates/cli ")
    );
    assert!(readme.contains("cargo install --path crates/cli --features train"));
    assert!(readme.contains("--profile profiling"));
}
