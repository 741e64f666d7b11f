//! A `config.toml` replays what it ran: it records the dataset's absolute
//! path and SHA-256, so a `--config` from another folder reads the same
//! file, and a dataset changed since is refused (or replayed with a loud
//! warning under `--allow-changed-inputs`).

use crate::util::{naap, run, shared_naap440};
use std::path::Path;

fn simulate(cwd: &Path, args: &[&str]) -> std::process::Output {
    run(naap()
        .current_dir(cwd)
        .args(["nas", "simulate", "--quiet", "--no-figures"])
        .args(args))
}

#[test]
fn a_config_replays_its_own_dataset_and_refuses_a_changed_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, other) = (tmp.path().join("first"), tmp.path().join("other"));
    let published = std::fs::read_to_string(shared_naap440("naap440.csv")).unwrap();
    // The other folder has a dataset at the same relative path: 439 rows.
    let fewer: String = published
        .lines()
        .take(440)
        .map(|l| format!("{l}\n"))
        .collect();
    for (dir, text) in [(&first, &published), (&other, &fewer)] {
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("data/d.csv"), text).unwrap();
    }
    let res = simulate(
        &first,
        &["--dataset", "data/d.csv", "--repeats", "2", "-o", "run"],
    );
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let config = first.join("run/config.toml");
    let config = config.to_str().unwrap();
    let recorded = std::fs::read_to_string(config).unwrap();
    assert!(recorded.contains("dataset_sha256 = "), "{recorded}");
    let original = std::fs::read(first.join("run/results.csv")).unwrap();

    // (change the first dataset?, extra flags, exit code, words in stderr)
    type Case = (bool, &'static [&'static str], i32, &'static str);
    let cases: [Case; 4] = [
        (false, &[], 0, ""),
        (true, &[], 2, "is not the one the config"),
        (true, &["--allow-changed-inputs"], 0, "WARNING"),
        // A --dataset flag is a deliberate choice of another file.
        (true, &["--dataset", "data/d.csv"], 0, ""),
    ];
    let mut failures = Vec::new();
    for (i, (change, extra, code, words)) in cases.into_iter().enumerate() {
        if change {
            std::fs::write(first.join("data/d.csv"), &fewer).unwrap();
        }
        let out = format!("replay{i}");
        let mut args = vec!["--config", config, "-o", &out];
        args.extend_from_slice(extra);
        let res = simulate(&other, &args);
        let err = String::from_utf8_lossy(&res.stderr);
        if res.status.code() != Some(code) || !err.contains(words) {
            failures.push(format!(
                "case {i}: exit {:?}, want {code} and {words:?}: {err}",
                res.status.code()
            ));
        }
        if i == 0 {
            // From another folder, the same dataset: the same results.
            let again = std::fs::read(other.join("replay0/results.csv")).unwrap_or_default();
            if again != original {
                failures.push("case 0: the replay's results differ from the run's".into());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
