//! `naap train`: the real binary on small slices of the shared JPEG CIFAR-10.
//! With the `train` feature: exit codes, shards, and kill-and-resume; without
//! it: the rebuild hint.

use crate::util::{naap, run};

#[cfg(not(feature = "train"))]
#[test]
fn without_the_feature_train_explains_how_to_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(naap().args(["train", "--out"]).arg(tmp.path().join("o")));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--features train"), "{stderr}");
    assert!(!tmp.path().join("o").exists());
}

#[cfg(feature = "train")]
mod with_libtorch {
    use super::*;
    use crate::util::shared_naap440;
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    /// `naap train` on scheme slices of the shared JPEG set, CPU, one thread, quiet.
    fn train(out: &Path, extra: &[&str]) -> Command {
        train_on(&naap_testdata::cifar10(), out, extra)
    }

    /// `extra` holds flag-value pairs; a flag given there replaces the default.
    fn train_on(data: &Path, out: &Path, extra: &[&str]) -> Command {
        let mut flags = vec![
            ["--device", "cpu"],
            ["--threads", "1"],
            ["--train-limit", "2000"],
            ["--test-limit", "500"],
        ];
        for pair in extra.chunks(2) {
            match flags.iter_mut().find(|f| f[0] == pair[0]) {
                Some(f) => f[1] = pair[1],
                None => flags.push([pair[0], pair[1]]),
            }
        }
        let mut cmd = naap();
        cmd.arg("train")
            .arg("--schemes")
            .arg(shared_naap440("generated_schemes.json"))
            .arg("--data")
            .arg(data)
            .arg("--out")
            .arg(out)
            .args(flags.concat());
        cmd
    }

    fn log_bodies(path: &Path) -> Vec<String> {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines().map(|l| l[15..].to_string()).collect()
    }

    #[test]
    fn a_killed_run_resumes_to_the_same_log() {
        let tmp = tempfile::tempdir().unwrap();
        let (straight, killed) = (tmp.path().join("straight"), tmp.path().join("killed"));
        let args = ["--ids", "1", "--epochs", "4"];
        let out = run(&mut train(&straight, &args));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        let mut child = train(&killed, &args)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let ckpt = killed.join("checkpoints/scheme_1.ckpt");
        let start = Instant::now();
        while !ckpt.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no checkpoint appeared"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        child.wait().unwrap();

        let out = run(&mut train(&killed, &args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let epochs_run: usize = stderr
            .lines()
            .find_map(|l| {
                l.strip_prefix("scheme 1: trained ")?
                    .strip_suffix(" epoch(s)")?
                    .parse()
                    .ok()
            })
            .unwrap_or_else(|| panic!("no 'trained' line in {stderr}"));
        assert!(epochs_run < 4, "the rerun started over: {stderr}");
        assert_eq!(
            log_bodies(&killed.join("scheme_1.txt")),
            log_bodies(&straight.join("scheme_1.txt"))
        );

        // Finished schemes are skipped.
        let out = run(&mut train(&killed, &args));
        assert!(String::from_utf8_lossy(&out.stderr).contains("scheme 1: already done"));
    }

    /// Every file below `dir`, with its permission bits.
    #[cfg(unix)]
    fn modes(dir: &Path) -> Vec<(String, u32)> {
        use std::os::unix::fs::PermissionsExt;
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.is_dir() {
                    stack.push(p);
                } else {
                    let name = p.strip_prefix(dir).unwrap().display().to_string();
                    out.push((name, meta.permissions().mode() & 0o777));
                }
            }
        }
        out.sort();
        out
    }

    #[cfg(unix)]
    #[test]
    fn training_logs_and_checkpoints_follow_the_umask_not_0600() {
        let tmp = tempfile::tempdir().unwrap();
        let run_dir = tmp.path().join("run");
        // Killed after its first epoch, a run keeps its checkpoint; the
        // finished resume writes the logs.
        let args = [
            "--ids",
            "1",
            "--epochs",
            "2",
            "--train-limit",
            "200",
            "--test-limit",
            "100",
        ];
        let mut child = train(&run_dir, &args)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let log = run_dir.join("scheme_1.txt");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            let epochs = std::fs::read_to_string(&log).unwrap_or_default();
            if epochs.contains("Test accuracy") {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        child.wait().unwrap();
        let during = modes(&run_dir);
        let out = run(&mut train(&run_dir, &args));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let umask = {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let v = status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .unwrap();
            u32::from_str_radix(v.trim(), 8).unwrap()
        };
        let files: Vec<(String, u32)> = during.into_iter().chain(modes(&run_dir)).collect();
        assert!(files.iter().any(|(n, _)| n == "scheme_1.txt"), "{files:?}");
        for (name, mode) in &files {
            assert_eq!(
                *mode,
                0o666 & !umask,
                "{name}: mode {mode:o} under umask {umask:o}"
            );
        }
    }

    #[test]
    fn a_shard_trains_its_slice_and_the_run_builds_a_dataset() {
        let tmp = tempfile::tempdir().unwrap();
        let run_dir = tmp.path().join("run");
        let args = [
            "--ids",
            "1-4",
            "--shard",
            "2/2",
            "--epochs",
            "1",
            "--train-limit",
            "500",
        ];
        let out = run(&mut train(&run_dir, &args));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let logs: Vec<bool> = (1..=4)
            .map(|id| run_dir.join(format!("scheme_{id}.txt")).exists())
            .collect();
        assert_eq!(logs, [false, true, false, true]);

        // The run folder is what `naap dataset build` reads; the shard's
        // ids are the logs it is expected to hold.
        let csv = tmp.path().join("run.csv");
        let build = [
            "dataset",
            "build",
            "--ids",
            "2,4",
            "--test-bins",
            "1",
            "--line-ending",
            "lf",
            "-o",
        ];
        let out = run(naap().args(build).arg(&csv).arg(&run_dir));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&csv).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(rows[0].ends_with(",e1Accuracy"), "{}", rows[0]);
        for (row, id) in rows[1..].iter().zip([2, 4]) {
            let log = log_bodies(&run_dir.join(format!("scheme_{id}.txt")));
            let acc = log.last().unwrap().replace("Test accuracy: ", "");
            assert!(row.starts_with(&format!("{id},")), "{row}");
            assert!(row.ends_with(&format!(",{acc}")), "{row} vs {acc}");
        }
    }

    #[test]
    fn bad_input_exits_2_without_output() {
        let tmp = tempfile::tempdir().unwrap();
        let o = tmp.path().join("o");
        for (extra, needle) in [
            (vec!["--ids", "441"], "441 is past the last scheme (440)"),
            (vec!["--shard", "3/2"], "shard must be I/N"),
            (
                vec!["--device", "gpu"],
                "device must be auto, cpu, cuda or cuda:K",
            ),
            (vec!["--epochs", "0"], "epochs must be in 1..=10000"),
        ] {
            let out = run(&mut train(&o, &extra));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
            assert!(stderr.contains(needle), "{extra:?}: {stderr}");
        }
        // CUDA graphs need the cuda feature, and then a CUDA device.
        let out = run(train(&o, &["--ids", "1"]).arg("--cuda-graphs"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let needle = if cfg!(feature = "cuda") {
            "cuda_graphs needs a CUDA device, the run is on cpu"
        } else {
            "cuda_graphs needs naap-train built with the cuda-shim feature"
        };
        assert!(stderr.contains(needle), "{stderr}");
        let out = run(&mut train_on(
            &tmp.path().join("none.tar.gz"),
            &o,
            &["--ids", "1"],
        ));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("reading CIFAR-10"), "{stderr}");
        assert!(!o.exists());
    }

    /// Issue 12 item 7, `naap train`: bad files and values outside their
    /// domain exit 2, name the file, line or flag and what was expected, and
    /// create no output folder.
    #[test]
    fn train_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
        use crate::util::{assert_bad_inputs, bad, flag, BadFiles};
        let b = BadFiles::new();
        let malformed_schemes = b.file("schemes.json", "[[{\"kernel_size\": 3");
        let bad_toml = b.file("config.toml", "this is = not toml [\n");
        let (bad_schemes, toml) = (malformed_schemes.display(), bad_toml.display());
        let out = b.out("run");
        let base = [
            flag("--schemes", shared_naap440("generated_schemes.json")),
            flag("--data", naap_testdata::cifar10()),
            flag("--ids", "1"),
            flag("--epochs", "1"),
            flag("--device", "cpu"),
            flag("--threads", "1"),
            flag("--train-limit", "100"),
            flag("--test-limit", "50"),
            flag("--out", &out),
        ];
        let mut cases = vec![
            bad(
                vec![flag("--schemes", &malformed_schemes)],
                &[&bad_schemes, &"not a JSON list of schemes"],
            ),
            bad(
                vec![flag("--config", &bad_toml)],
                &[&toml, &"line 1, column 6"],
            ),
            bad(
                vec![flag("--ids", "0")],
                &[&"--ids", &"'0' is not a scheme id"],
            ),
            bad(
                vec![flag("--ids", "441")],
                &[&"--ids", &"441 is past the last scheme (440)"],
            ),
            bad(
                vec![flag("--shard", "5/4")],
                &[&"shard must be I/N with 1 <= I <= N", &"5/4"],
            ),
            bad(
                vec![flag("--shard", "0/4")],
                &[&"shard must be I/N with 1 <= I <= N", &"0/4"],
            ),
            bad(
                vec![flag("--shard", "1/0")],
                &[&"shard must be I/N with 1 <= I <= N", &"1/0"],
            ),
            bad(vec![flag("--jobs", "0")], &[&"--jobs must be at least 1"]),
            bad(
                vec![flag("--threads", "0")],
                &[&"'--threads <N>'", &"0 is not in 1..=1024"],
            ),
            bad(
                vec![flag("--epochs", "0")],
                &[&"epochs must be in 1..=10000, got 0"],
            ),
            bad(
                vec![flag("--train-limit", "0")],
                &[&"train_limit must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--test-limit", "0")],
                &[&"test_limit must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--train-limit", "50001")],
                &[&"--train-limit", &"50001", &"more than the 50000 images"],
            ),
            bad(
                vec![flag("--device", "gpu7")],
                &[&"device must be auto, cpu, cuda or cuda:K", &"gpu7"],
            ),
        ];
        cases.extend(b.unreadable("--schemes", &[]));
        cases.extend(b.no_cifar("--data"));
        cases.extend(b.unreadable("--config", &[]));
        assert_bad_inputs(&["train", "-q"], &base, &out, &cases);
    }
}
