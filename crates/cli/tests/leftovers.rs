//! What a run owns is cleaned, on the next run at the latest: a refused run
//! leaves no empty folder, and a killed run's lock and temporary files go
//! with the next run into that folder.

use crate::util::{naap, run, shared_naap440};
use std::path::Path;

fn simulate(out: &Path, extra: &[&str]) -> std::process::Command {
    let mut cmd = naap();
    cmd.args(["nas", "simulate", "--quiet", "--no-figures", "--dataset"])
        .arg(shared_naap440("naap440.csv"))
        .arg("-o")
        .arg(out)
        .args(extra);
    cmd
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn refused_and_killed_runs_leave_nothing_the_next_run_does_not_clean() {
    let tmp = tempfile::tempdir().unwrap();
    // A budget refused once the replay starts: no empty folder.
    let refused = tmp.path().join("refused");
    let res = run(&mut simulate(
        &refused,
        &["--repeats", "2", "--budget", "1"],
    ));
    assert_eq!(
        res.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(
        !refused.exists(),
        "a refused run left {:?}",
        names(&refused)
    );

    // (what a dead run left, extra flags of the next run)
    let stale: [(&[&str], &[&str]); 2] = [
        (&[".naap-lock", ".naap-tmp-abc"], &[]),
        (&[".naap-lock", ".naap-tmp-1", "summary.md"], &["--force"]),
    ];
    for (i, (left, extra)) in stale.into_iter().enumerate() {
        let out = tmp.path().join(format!("stale{i}"));
        std::fs::create_dir(&out).unwrap();
        for name in left {
            std::fs::write(out.join(name), b"pid 1: naap nas simulate").unwrap();
        }
        let mut args = vec!["--repeats", "2"];
        args.extend_from_slice(extra);
        let res = run(&mut simulate(&out, &args));
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        assert_eq!(
            names(&out),
            ["config.toml", "results.csv", "summary.md", "trajectory.csv"]
        );
    }

    // A run killed mid-study: its lock file stays until the next run.
    let killed = tmp.path().join("killed");
    let mut child = simulate(&killed, &["--repeats", "100000"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = killed.join(".naap-lock");
    let start = std::time::Instant::now();
    while !lock.exists() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let res = run(&mut simulate(&killed, &["--repeats", "2"]));
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert_eq!(
        names(&killed),
        ["config.toml", "results.csv", "summary.md", "trajectory.csv"]
    );
}
