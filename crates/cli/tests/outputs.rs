//! Issue 12, item 5: a run owns its output folder, its finished marker comes
//! last, `--force` leaves nothing of an earlier run, no temporary file
//! survives a failure, output paths are checked before the work, files get
//! the umask's permissions and `-o -` is stdout or refused.

use crate::util::{assert_rejected, naap, run, shared_naap440};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The published header and every 10th row: a valid, quick baseline input.
fn small_dataset(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(shared_naap440("naap440.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines.step_by(10) {
        out.push_str(line);
        out.push('\n');
    }
    let path = dir.join("small.csv");
    std::fs::write(&path, out).unwrap();
    path
}

fn baseline(dataset: &Path, out: &Path, extra: &[&str]) -> Output {
    run(naap()
        .args(["baseline", "--quiet", "--dataset"])
        .arg(dataset)
        .arg("-o")
        .arg(out)
        .args(extra))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file below `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_second_run_into_a_held_folder_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = small_dataset(dir.path());
    let out_dir = dir.path().join("out");
    // This test process plays the first run: it holds the folder.
    let claim = naap_output::Claim {
        outputs: &[],
        finished: "done",
        force: false,
        keep: &[],
    };
    let lock = naap_output::RunDir::claim(&out_dir, &claim).unwrap();
    let res = baseline(&dataset, &out_dir, &["--no-figures"]);
    assert_rejected(
        &res,
        "in use by another run",
        Some(&out_dir.join("results.csv")),
    );
    drop(lock);
    let res = baseline(&dataset, &out_dir, &["--no-figures"]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert_eq!(
        files(&out_dir),
        ["config.toml", "results.csv", "table.md", "table.tex"],
        "the lock file is gone after the run"
    );
}

#[test]
fn finished_marker_after_figures_and_force_clears_old_figures() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = small_dataset(dir.path());
    let out_dir = dir.path().join("out");
    let res = baseline(&dataset, &out_dir, &[]);
    assert!(res.status.success(), "{}", stderr(&res));
    let marker = modified(&out_dir.join("results.csv"));
    let figures = files(&out_dir.join("figures"));
    assert_eq!(figures.len(), 96 * 2);
    for f in &figures {
        let t = modified(&out_dir.join("figures").join(f));
        assert!(t <= marker, "figure {f} written after results.csv");
    }
    let res = baseline(&dataset, &out_dir, &["--no-figures", "--force"]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(
        !out_dir.join("figures").exists(),
        "old figures survived a --force --no-figures run"
    );
}

#[test]
fn output_path_problems_are_found_before_the_work_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = small_dataset(dir.path());
    // A run folder that is a file: refused before fitting anything.
    let file = dir.path().join("taken");
    std::fs::write(&file, b"x").unwrap();
    let res = baseline(&dataset, &file, &["--no-figures"]);
    assert_rejected(&res, "is a file, expected a folder", None);
    assert!(
        !stderr(&res).contains("cells"),
        "the work ran: {}",
        stderr(&res)
    );
    // A single output that names a folder, even with --force: exit 2 and no
    // temporary file beside it.
    let folder = dir.path().join("schemes");
    std::fs::create_dir(&folder).unwrap();
    let res = run(naap()
        .args(["space", "generate", "--force", "-o"])
        .arg(&folder));
    assert_rejected(&res, "is a folder, expected a file", None);
    assert_eq!(files(dir.path()), ["small.csv", "taken"]);
}

#[cfg(unix)]
#[test]
fn outputs_get_the_umask_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schemes.json");
    let res = run(naap().args(["space", "generate", "-o"]).arg(&path));
    assert!(res.status.success(), "{}", stderr(&res));
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let umask = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
        .unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666 & !umask, "mode {mode:o} under umask {umask:o}");
}

#[test]
fn dash_output_is_stdout_for_a_file_and_refused_for_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let res = run(naap()
        .current_dir(dir.path())
        .args(["space", "generate", "-o", "-"]));
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(res.stdout.starts_with(b"["), "schemes JSON on stdout");
    let dataset = small_dataset(dir.path());
    let res = run(naap()
        .current_dir(dir.path())
        .args([
            "baseline",
            "--quiet",
            "--no-figures",
            "-o",
            "-",
            "--dataset",
        ])
        .arg(&dataset));
    assert_rejected(&res, "standard output", None);
    assert_eq!(
        files(dir.path()),
        ["small.csv"],
        "no file or folder named -"
    );
}
