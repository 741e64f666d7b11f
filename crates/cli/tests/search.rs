//! `naap search`: a real search on a 14-scheme space and small slices of the
//! shared JPEG CIFAR-10 (CPU, one thread per job). With the `train` feature:
//! successive halving and the predictor strategy, each killed midway and
//! resumed to the ranking of an uninterrupted run; the logs build a dataset;
//! a resume with other settings is refused. Without it: the rebuild hint.

use crate::util::{naap, run};

#[cfg(not(feature = "train"))]
#[test]
fn without_the_feature_search_explains_how_to_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(naap()
        .args(["search", "--strategy", "random", "-o"])
        .arg(tmp.path().join("o")));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--features train"), "{stderr}");
    assert!(!tmp.path().join("o").exists());
}

#[cfg(feature = "train")]
mod with_libtorch {
    use super::*;
    use crate::util::{assert_rejected, shared_dir, shared_naap440};
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant};

    fn space() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/space/search_space.toml")
    }

    /// `naap search` on the fixture space; `extra` holds flag-value pairs
    /// and flags, a pair given there replacing the default.
    fn search(out: &Path, extra: &[&str]) -> Command {
        let mut flags = [
            ["--device", "cpu"],
            ["--threads", "1"],
            ["--jobs", "2"],
            ["--train-limit", "2000"],
            ["--test-limit", "500"],
        ];
        let mut rest = Vec::new();
        let mut i = 0;
        while i < extra.len() {
            match flags.iter_mut().find(|f| f[0] == extra[i]) {
                Some(f) => {
                    f[1] = extra[i + 1];
                    i += 2;
                }
                None => {
                    rest.push(extra[i]);
                    i += 1;
                }
            }
        }
        let mut cmd = naap();
        cmd.arg("search")
            .arg("--space")
            .arg(space())
            .arg("--data")
            .arg(shared_dir().join("cifar10/cifar10-jpg.tar.gz"))
            .args(flags.concat())
            .args(["--quiet", "-o"])
            .arg(out)
            .args(rest);
        cmd
    }

    const HALVING: &[&str] = &[
        "--strategy",
        "successive-halving",
        "--eta",
        "2",
        "--min-epochs",
        "1",
        "--max-epochs",
        "4",
    ];

    fn predictor(known: &Path) -> Vec<String> {
        let mut a: Vec<String> = [
            "--strategy",
            "predictor",
            "--k-epochs",
            "1",
            "--top-m",
            "3",
            "--max-epochs",
            "3",
            "--known",
            "fold",
            "--known-dataset",
        ]
        .map(String::from)
        .to_vec();
        a.push(known.display().to_string());
        a
    }

    fn ok(out: std::process::Output) -> String {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        stderr
    }

    /// Runs `strategy` straight and killed-then-resumed; returns both folders.
    fn straight_and_resumed(tmp: &Path, name: &str, strategy: &[&str]) -> (PathBuf, String) {
        let (straight, killed) = (tmp.join(format!("{name}-a")), tmp.join(format!("{name}-b")));
        ok(run(&mut search(&straight, strategy)));

        let mut child = search(&killed, strategy)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let journal = killed.join("journal.jsonl");
        let start = Instant::now();
        // Killed once its first batch is journaled, while the second trains.
        while std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count()) < 2 {
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "no batch was journaled"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!killed.join("ranking.csv").exists(), "killed too late");

        let stderr = ok(run(&mut search(&killed, strategy)));
        let replayed = stderr
            .split(" replayed batches")
            .next()
            .and_then(|s| s.rsplit('(').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no replay count in {stderr}"));
        assert!(replayed >= 1, "{stderr}");
        let a = std::fs::read_to_string(straight.join("ranking.csv")).unwrap();
        let b = std::fs::read_to_string(killed.join("ranking.csv")).unwrap();
        assert_eq!(a, b, "{name}: the resumed ranking differs");
        (straight, a)
    }

    #[test]
    fn search_train_successive_halving_resumes_to_the_same_ranking_and_builds_a_dataset() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, ranking) = straight_and_resumed(tmp.path(), "sh", HALVING);
        let rows: Vec<Vec<&str>> = ranking
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), 14);
        // 14 at 1 epoch, 7 to 2, 3 to 4: the halving ladder, paid once.
        let mut epochs: Vec<u32> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
        epochs.sort_unstable();
        assert_eq!(epochs, [[1; 7].as_slice(), &[2; 4], &[4; 3]].concat());
        assert_eq!(rows[0][6], "winner");
        assert_eq!(rows[0][2], "4");
        let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
        assert!(summary.contains("| spent | 27 scheme-epochs"), "{summary}");

        // Every candidate's log is a paper log: `naap dataset build` reads them.
        let csv = tmp.path().join("search.csv");
        let out = run(naap()
            .args(["dataset", "build", "--epochs", "1", "--test-bins", "2"])
            .args(["--line-ending", "lf", "--quiet", "--schemes"])
            .arg(dir.join("schemes.json"))
            .arg("-o")
            .arg(&csv)
            .arg(dir.join("logs")));
        ok(out);
        let built = std::fs::read_to_string(&csv).unwrap();
        assert_eq!(built.lines().count(), 15, "{built}");
    }

    #[test]
    fn search_train_predictor_resumes_to_the_same_ranking() {
        let tmp = tempfile::tempdir().unwrap();
        let known = shared_naap440("naap440.csv");
        let args = predictor(&known);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, ranking) = straight_and_resumed(tmp.path(), "pred", &args);
        let rows: Vec<Vec<&str>> = ranking
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), 14);
        let full: Vec<&Vec<&str>> = rows.iter().filter(|r| r[2] == "3").collect();
        assert_eq!(full.len(), 3);
        // The three fully trained are the three best predicted.
        let mut predicted: Vec<f64> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
        predicted.sort_by(|a, b| b.total_cmp(a));
        for r in &full {
            assert!(r[5].parse::<f64>().unwrap() >= predicted[2], "{r:?}");
        }
    }

    #[test]
    fn search_train_predictor_file_resumes_to_the_same_ranking() {
        let tmp = tempfile::tempdir().unwrap();
        // Fitted by `naap fit` on the published NAAP-440 train rows.
        let file = tmp.path().join("lr1.json");
        ok(run(naap()
            .args(["fit", "--model", "Linear Regression"])
            .args([
                "--feature-set",
                "Scheme + Quantitative 1 epochs",
                "--dataset",
            ])
            .arg(shared_naap440("naap440.csv"))
            .arg("-o")
            .arg(&file)));
        let file_arg = file.display().to_string();
        let args = [
            "--strategy",
            "predictor",
            "--k-epochs",
            "1",
            "--top-m",
            "3",
            "--max-epochs",
            "3",
            "--predictor",
            &file_arg,
        ];
        let (dir, ranking) = straight_and_resumed(tmp.path(), "file", &args);
        let rows: Vec<Vec<&str>> = ranking
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), 14);
        // The file's predictions rank: the three fully trained are its three best.
        let full: Vec<&Vec<&str>> = rows.iter().filter(|r| r[2] == "3").collect();
        assert_eq!(full.len(), 3);
        let mut predicted: Vec<f64> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
        predicted.sort_by(|a, b| b.total_cmp(a));
        for r in &full {
            assert!(r[5].parse::<f64>().unwrap() >= predicted[2], "{r:?}");
        }
        let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
        assert!(
            config.contains("predictor_checksum = \"sha256:"),
            "{config}"
        );
        let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
        assert!(summary.contains("predictor-file"), "{summary}");
    }

    #[test]
    fn search_train_checks_the_strategy_flags_before_training() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("o");
        // --features is validated as by nas simulate: no epoch beyond k.
        let res = run(&mut search(
            &out,
            &[
                "--strategy",
                "predictor",
                "--k-epochs",
                "1",
                "--features",
                "Scheme + Quantitative 3 epochs",
            ],
        ));
        assert_rejected(
            &res,
            "read epoch 3, but candidates are trained 1 epochs",
            None,
        );
        assert!(!out.join("journal.jsonl").exists());
        let res = run(&mut search(
            &out,
            &["--strategy", "predictor", "--features", "Schema"],
        ));
        assert_rejected(&res, "'Schema'", None);
        // A predictor file brings its own model and features.
        let res = run(&mut search(
            &out,
            &[
                "--strategy",
                "predictor",
                "--predictor",
                "p.json",
                "--known-dataset",
                "k.csv",
            ],
        ));
        assert_rejected(&res, "--known-dataset", None);
        let res = run(&mut search(
            &out,
            &["--strategy", "predictor", "--predictor", "missing.json"],
        ));
        assert_rejected(&res, "missing.json", None);
        // One strategy, one protocol.
        assert_rejected(&run(&mut search(&out, &[])), "give --strategy NAME", None);
        let res = run(&mut search(&out, &["--strategy", "random,hyperband"]));
        assert_rejected(&res, "a search runs one strategy, got 2", None);
        let res = run(&mut search(
            &out,
            &["--strategy", "predictor", "--known", "fold,online"],
        ));
        assert_rejected(&res, "expands to 2", None);
    }

    #[test]
    fn search_train_refuses_a_journal_of_another_build_and_resume_stale_starts_again() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("o");
        let strategy = [
            "--strategy",
            "last-accuracy",
            "--k-epochs",
            "1",
            "--top-m",
            "2",
            "--max-epochs",
            "2",
            "--train-limit",
            "200",
            "--test-limit",
            "100",
        ];
        ok(run(&mut search(&out, &strategy)));
        let ranking = std::fs::read_to_string(out.join("ranking.csv")).unwrap();
        // Interrupted under another build: the journal header names another code id.
        std::fs::remove_file(out.join("ranking.csv")).unwrap();
        std::fs::remove_file(out.join("summary.md")).unwrap();
        let journal = out.join("journal.jsonl");
        let text = std::fs::read_to_string(&journal).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        let (head, rest) = text.split_once('\n').unwrap();
        let (before, after) = head.split_once("; build ").unwrap();
        let config = &after[after.rfind("; config ").unwrap()..];
        let old = "naap-search 0.1.0 sources 00000000deadbeef";
        std::fs::write(&journal, format!("{before}; build {old}{config}\n{rest}")).unwrap();

        let res = run(&mut search(&out, &strategy));
        assert_rejected(
            &res,
            &format!("another build ({old}; this is naap-search"),
            None,
        );
        assert_rejected(&res, &journal.display().to_string(), None);
        assert_rejected(&res, "--resume-stale", None);

        // --resume-stale: the journal's two batches are discarded, the
        // search runs again (from this build's checkpoints) to the same ranking.
        let mut resumed = strategy.to_vec();
        resumed.push("--resume-stale");
        let stderr = ok(run(&mut search(&out, &resumed)));
        assert!(stderr.contains("(0 replayed batches)"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(out.join("ranking.csv")).unwrap(),
            ranking
        );
        let text = std::fs::read_to_string(&journal).unwrap();
        assert!(!text.contains(old) && text.lines().count() == 3, "{text}");
    }

    #[test]
    fn search_train_refuses_to_resume_other_settings() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("o");
        let strategy = [
            "--strategy",
            "last-accuracy",
            "--k-epochs",
            "1",
            "--top-m",
            "1",
            "--max-epochs",
            "1",
            "--train-limit",
            "200",
            "--test-limit",
            "100",
        ];
        ok(run(&mut search(&out, &strategy)));
        // Finished: a second run needs --force.
        let again = run(&mut search(&out, &strategy));
        assert_rejected(&again, "--force", None);
        // An interrupted search of other settings is not resumed.
        std::fs::remove_file(out.join("ranking.csv")).unwrap();
        std::fs::remove_file(out.join("summary.md")).unwrap();
        let mut changed = strategy;
        changed[9] = "300";
        let other = run(&mut search(&out, &changed));
        assert_rejected(&other, "another search or build", None);
    }

    /// Issue 12 item 7, `naap search`: bad files, bad strategy settings and
    /// values outside their domain exit 2, name the fault, and leave no run folder.
    #[test]
    fn search_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
        use crate::util::{assert_bad_inputs, bad, flag, switch, unset, BadFiles};
        let b = BadFiles::new();
        let malformed_schemes = b.file("schemes.json", "[[{\"kernel_size\": 3");
        let bad_toml = b.file("config.toml", "this is = not toml [\n");
        let (missing, folder, binary) =
            (b.missing.display(), b.folder.display(), b.binary.display());
        let (bad_schemes, toml) = (malformed_schemes.display(), bad_toml.display());
        let valid = std::fs::read_to_string(crate::util::fixture_dataset("v2")).unwrap();
        let mut lines: Vec<&str> = valid.lines().collect();
        lines[2] = "2,1,abc";
        let malformed = b.file("malformed.csv", lines.join("\n"));
        let malformed_line = format!("{}:3", malformed.display());
        let out = b.out("search");
        let base = [
            flag("--space", space()),
            flag("--data", shared_dir().join("cifar10/cifar10-jpg.tar.gz")),
            flag("--strategy", "random"),
            flag("--random-n", "1"),
            flag("--max-epochs", "1"),
            flag("--device", "cpu"),
            flag("--threads", "1"),
            flag("--train-limit", "100"),
            flag("--test-limit", "50"),
            flag("-o", &out),
        ];
        // k = 1: a strategy may not ask more epochs than a full training (1 here).
        let fold = |path: &Path| {
            vec![
                flag("--strategy", "predictor"),
                flag("--known", "fold"),
                flag("--k-epochs", "1"),
                flag("--known-dataset", path),
            ]
        };
        let schemes = |path: &Path| vec![unset("--space"), flag("--schemes", path)];
        let mut cases = vec![
            bad(schemes(&b.missing), &[&missing, &"No such file"]),
            bad(schemes(&b.folder), &[&folder, &"directory"]),
            bad(schemes(&b.binary), &[&binary, &"UTF-8"]),
            bad(
                schemes(&malformed_schemes),
                &[&bad_schemes, &"not a JSON list of schemes"],
            ),
            bad(
                vec![flag("--space", &b.missing)],
                &[&missing, &"No such file"],
            ),
            bad(vec![flag("--space", &b.binary)], &[&binary, &"UTF-8"]),
            bad(
                vec![flag("--space", &bad_toml)],
                &[&toml, &"line 1 column 6"],
            ),
            bad(fold(&b.missing), &[&missing, &"No such file"]),
            bad(fold(&b.folder), &[&folder, &"directory"]),
            bad(fold(&b.binary), &[&binary, &"UTF-8"]),
            bad(fold(&malformed), &[&malformed_line, &"expected 17 fields"]),
            bad(
                vec![flag("--strategy", "nope")],
                &[&"unknown strategy 'nope'", &"expected one of"],
            ),
            bad(
                vec![flag("--strategy", "predictor"), flag("--model", "Nope")],
                &[&"unknown model 'Nope'", &"expected one of"],
            ),
            bad(
                vec![flag("--ids", "0")],
                &[&"--ids", &"'0' is not a scheme id"],
            ),
            bad(
                vec![flag("--jobs", "0")],
                &[&"jobs must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--threads", "0")],
                &[&"'--threads <N>'", &"0 is not in 1..=1024"],
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
                vec![flag("--test-limit", "10001")],
                &[&"--test-limit", &"10001", &"more than the 10000 images"],
            ),
            bad(
                vec![switch("--budget-hours=-1")],
                &[&"budget-hours must be a positive number, got -1"],
            ),
            bad(
                vec![flag("--budget-hours", "NaN")],
                &[&"budget-hours must be a positive number, got NaN"],
            ),
            bad(
                vec![flag("--budget-epochs", "0")],
                &[&"budget-epochs must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--strategy", "successive-halving"), flag("--eta", "1")],
                &[&"eta must be at least 2, got 1"],
            ),
            bad(
                vec![flag("--max-epochs", "0")],
                &[&"max-epochs (the epochs of a full training) must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--random-n", "0")],
                &[&"random search needs at least 1 scheme, got 0"],
            ),
            bad(
                vec![flag("--strategy", "predictor"), flag("--top-m", "0")],
                &[&"top-m must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--strategy", "predictor"), flag("--online-batch", "0")],
                &[&"online-batch must be at least 1, got 0"],
            ),
            bad(
                vec![flag("--device", "gpu7")],
                &[&"device must be auto, cpu, cuda or cuda:K", &"gpu7"],
            ),
            bad(
                vec![flag("--slurm-retries", "3")],
                &[&"--slurm-retries needs --dispatch slurm"],
            ),
            bad(
                vec![flag("--dispatch", "slurm"), flag("--slurm-poll", "0")],
                &[&"--slurm-poll must be between 0.1 and 3600 seconds, got 0"],
            ),
            bad(
                vec![flag("--dispatch", "slurm"), flag("--slurm-retries", "1000")],
                &[&"--slurm-retries must be at most 100, got 1000"],
            ),
            bad(
                vec![flag("--dispatch", "pbs")],
                &[&"invalid value 'pbs'", &"local, slurm"],
            ),
        ];
        cases.extend(b.no_cifar("--data"));
        assert_bad_inputs(&["search", "-q"], &base, &out, &cases);
    }
}
