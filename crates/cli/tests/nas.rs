//! `naap nas simulate`: successive halving on the shared NAAP-440 CSV checked
//! against an independent computation, the outputs, and input errors.

use crate::util::{assert_rejected, naap, run, shared_naap440};
use std::path::Path;

const HEADER: &str = "Strategy,Repeat,Fold,PoolSize,EpochsSpent,CostSpent,ExhaustiveCost,\
SpeedUp,FoundModelId,FoundMaxAccuracy,PoolBestMaxAccuracy,Regret,FoundRank,Top1,Top1Pct,Top5Pct,\
BudgetHit";

fn simulate(out: &Path, extra: &[&str]) -> std::process::Output {
    run(naap()
        .args(["nas", "simulate", "--quiet", "--dataset"])
        .arg(shared_naap440("naap440.csv"))
        .arg("-o")
        .arg(out)
        .args(extra))
}

fn ok(res: &std::process::Output) {
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// The CSV's rows as (ModelId, MaxAccuracy, accuracies e1..e90).
fn curves() -> Vec<(u32, f64, Vec<f64>)> {
    let mut r = csv::Reader::from_path(shared_naap440("naap440.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, max) = (col("ModelId"), col("MaxAccuracy"));
    let acc: Vec<usize> = (1..=90).map(|e| col(&format!("e{e}Accuracy"))).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let v = |i: usize| rec[i].parse::<f64>().unwrap();
            (
                rec[id].parse().unwrap(),
                v(max),
                acc.iter().map(|&i| v(i)).collect(),
            )
        })
        .collect()
}

/// Successive halving written out plainly: (found ModelId, epochs spent).
fn successive_halving(eta: usize, r: usize, rungs: u32) -> (u32, u64) {
    let table = curves();
    let mut alive: Vec<usize> = (0..table.len()).collect();
    let (mut epochs, mut trained) = (r, vec![0usize; table.len()]);
    let mut spent = 0u64;
    for rung in 0..rungs {
        for &i in &alive {
            spent += (epochs - trained[i]) as u64;
            trained[i] = epochs;
        }
        // Best accuracy at this epoch first; ties to the lower ModelId.
        alive.sort_by(|&a, &b| {
            table[b].2[epochs - 1]
                .partial_cmp(&table[a].2[epochs - 1])
                .unwrap()
                .then(table[a].0.cmp(&table[b].0))
        });
        if rung + 1 == rungs {
            return (table[alive[0]].0, spent);
        }
        alive.truncate((alive.len() / eta).max(1));
        epochs *= eta;
    }
    unreachable!()
}

fn read_results(out: &Path) -> (String, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(out.join("results.csv")).unwrap();
    let header = r.headers().unwrap().iter().collect::<Vec<_>>().join(",");
    (header, r.records().map(|x| x.unwrap()).collect())
}

#[test]
fn nas_successive_halving_matches_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let table = curves();
    let best = table.iter().map(|t| t.1).fold(f64::MIN, f64::max);
    // (eta, r, R, rungs): the defaults (10, 30, 90) and a finer ladder.
    for (eta, r, big_r, rungs) in [(3, 10, 90, 3), (2, 5, 80, 5)] {
        let out = dir.path().join(format!("sh-{eta}-{r}"));
        let res = simulate(
            &out,
            &[
                "--strategy",
                "successive-halving",
                "--repeats",
                "1",
                "--no-figures",
                "--eta",
                &eta.to_string(),
                "--min-epochs",
                &r.to_string(),
                "--max-epochs",
                &big_r.to_string(),
            ],
        );
        ok(&res);
        let (header, rows) = read_results(&out);
        assert_eq!(header, HEADER);
        assert_eq!(rows.len(), 1);
        let (found, spent) = successive_halving(eta, r, rungs);
        let row = &rows[0];
        assert_eq!(&row[0], "successive-halving");
        assert_eq!(row[8].parse::<u32>().unwrap(), found, "found ModelId");
        assert_eq!(row[4].parse::<u64>().unwrap(), spent, "epochs spent");
        let found_max = table.iter().find(|t| t.0 == found).unwrap().1;
        let regret: f64 = row[11].parse().unwrap();
        assert!(
            (regret - (best - found_max)).abs() < 1e-12,
            "regret {regret}"
        );
    }
}

#[test]
fn nas_default_outputs_and_no_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    let res = simulate(&out, &["--repeats", "3", "--pool", "80", "--seed", "4"]);
    ok(&res);
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(stdout, summary, "the summary is printed as written");
    let (header, rows) = read_results(&out);
    assert_eq!(header, HEADER);
    // 14 strategies x 3 repeats, the two fold strategies twice per repeat.
    assert_eq!(rows.len(), 3 * 16);
    for name in [
        "exhaustive",
        "random",
        "successive-halving",
        "hyperband",
        "predictor-fold",
        "predictor-online",
        "zero-shot-fold",
        "zero-shot-online",
        "last-accuracy",
        "regularized-evolution",
        "local-search",
        "bananas",
        "bohb",
        "reinforce",
    ] {
        assert!(
            summary.contains(&format!("| {name} |")),
            "{name}: {summary}"
        );
    }
    for row in &rows {
        let pool: usize = row[3].parse().unwrap();
        assert_eq!(pool, if row[2].is_empty() { 80 } else { 40 });
        let regret: f64 = row[11].parse().unwrap();
        assert!(regret >= 0.0);
        assert_eq!(&row[13] == "1", regret == 0.0);
    }
    let png = std::fs::read(out.join("regret.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // trajectory.csv: every search's steps, costs rising, its last line the
    // cost and regret results.csv gives it.
    let text = std::fs::read_to_string(out.join("trajectory.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("Strategy,Repeat,Fold,Cost,Regret"));
    let mut last: Vec<(String, f64, f64)> = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let key = format!("{},{},{}", f[0], f[1], f[2]);
        let (cost, regret): (f64, f64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        match last.last_mut() {
            Some(l) if l.0 == key => {
                assert!(cost >= l.1, "{line}");
                *l = (key, cost, regret);
            }
            _ => last.push((key, cost, regret)),
        }
    }
    assert_eq!(last.len(), rows.len());
    for (row, (key, cost, regret)) in rows.iter().zip(&last) {
        assert_eq!(key, &format!("{},{},{}", &row[0], &row[1], &row[2]));
        assert_eq!(*cost, row[5].parse::<f64>().unwrap(), "{key}");
        assert_eq!(*regret, row[11].parse::<f64>().unwrap(), "{key}");
    }
    assert!(summary.contains("## Anytime"), "{summary}");
    let config: toml::Table = std::fs::read_to_string(out.join("config.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(config["pool"].as_str(), Some("80"));
    assert_eq!(config["seed"].as_integer(), Some(4));
    // One table per strategy, each with its own settings only.
    let strategies = config["strategy"].as_array().unwrap();
    let names: Vec<&str> = strategies
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "exhaustive",
            "random",
            "successive-halving",
            "hyperband",
            "predictor",
            "zero-shot",
            "last-accuracy",
            "regularized-evolution",
            "local-search",
            "bananas",
            "bohb",
            "reinforce"
        ]
    );
    assert_eq!(strategies[4]["model"].as_str(), Some("Linear Regression"));
    assert_eq!(strategies[1]["n"].as_integer(), Some(20));
    assert!(strategies[1].get("model").is_none());

    // The same command again refuses to replace the results; --force does.
    let again = simulate(&out, &["--repeats", "3", "--pool", "80", "--seed", "4"]);
    assert_rejected(&again, "force", None);
    let forced = simulate(
        &out,
        &["--repeats", "3", "--pool", "80", "--seed", "4", "--force"],
    );
    ok(&forced);
    assert_eq!(read_results(&out).1, rows, "same seed, same results");

    // The written config.toml replays the study; a flag overrides it.
    let replay = dir.path().join("replay");
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--no-figures", "--config"])
        .arg(out.join("config.toml"))
        .arg("-o")
        .arg(&replay));
    ok(&res);
    assert_eq!(read_results(&replay).1, rows, "config.toml replays the run");
    let other = dir.path().join("other");
    let res = run(naap()
        .args([
            "nas",
            "simulate",
            "--quiet",
            "--no-figures",
            "--seed",
            "5",
            "--config",
        ])
        .arg(out.join("config.toml"))
        .arg("-o")
        .arg(&other));
    ok(&res);
    assert_ne!(read_results(&other).1, rows, "--seed overrides the config");
    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "etaa = 3\n").unwrap();
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--config"])
        .arg(&typo)
        .arg("-o")
        .arg(dir.path().join("typo")));
    assert_rejected(&res, "etaa", Some(&dir.path().join("typo/results.csv")));
}

#[test]
fn a_written_config_replays_each_strategys_own_settings_and_flags_override_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    let flags = [
        "--strategy",
        "random,successive-halving,last-accuracy",
        "--random-n",
        "7",
        "--eta",
        "2",
        "--min-epochs",
        "5",
        "--max-epochs",
        "80",
        "--k-epochs",
        "4",
        "--top-m",
        "6",
        "--repeats",
        "3",
        "--pool",
        "60",
        "--cost",
        "macs",
        "--no-figures",
    ];
    ok(&simulate(&out, &flags));
    let (_, rows) = read_results(&out);
    let written = std::fs::read_to_string(out.join("config.toml")).unwrap();
    for table in [
        "name = \"random\"\nn = 7\n",
        "name = \"successive-halving\"\neta = 2\nmin_epochs = 5\nmax_epochs = 80\n",
        "name = \"last-accuracy\"\nk_epochs = 4\ntop_m = 6\n",
    ] {
        assert!(written.contains(table), "{table:?} not in {written}");
    }

    // The config alone replays the study, and writes the same config.
    let replay = dir.path().join("replay");
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--no-figures", "--config"])
        .arg(out.join("config.toml"))
        .arg("-o")
        .arg(&replay));
    ok(&res);
    assert_eq!(read_results(&replay).1, rows, "config.toml replays the run");
    let rewritten = std::fs::read_to_string(replay.join("config.toml")).unwrap();
    assert_eq!(rewritten, written);

    // Naming one of its strategies keeps that strategy's settings from the
    // config; a flag then overrides them.
    let one = dir.path().join("one");
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--no-figures"])
        .args(["--strategy", "random", "--config"])
        .arg(out.join("config.toml"))
        .arg("-o")
        .arg(&one));
    ok(&res);
    let random: Vec<_> = rows.iter().filter(|r| &r[0] == "random").cloned().collect();
    assert_eq!(read_results(&one).1, random);
    let more = dir.path().join("more");
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--no-figures"])
        .args(["--strategy", "random", "--random-n", "9", "--config"])
        .arg(out.join("config.toml"))
        .arg("-o")
        .arg(&more));
    ok(&res);
    let config = std::fs::read_to_string(more.join("config.toml")).unwrap();
    assert!(config.contains("name = \"random\"\nn = 9\n"), "{config}");
    assert!(!config.contains("successive-halving"), "{config}");

    // A key of another strategy in a strategy's table is refused and named.
    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, written.replace("n = 7", "n = 7\neta = 2")).unwrap();
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--config"])
        .arg(&typo)
        .arg("-o")
        .arg(dir.path().join("typo")));
    assert_rejected(&res, "eta", Some(&dir.path().join("typo/results.csv")));
}

#[test]
fn nas_rejects_bad_input_with_exit_2_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let results = out.join("results.csv");
    for (args, needle) in [
        (vec!["--strategy", "bayes"], "unknown strategy 'bayes'"),
        (vec!["--pool", "1"], "got '1'"),
        (
            vec!["--pool", "1000"],
            "pool of 1000 schemes but the dataset has 440",
        ),
        (vec!["--eta", "1"], "eta must be at least 2"),
        (vec!["--max-epochs", "80"], "R=80"),
        (
            vec!["--min-epochs", "30", "--max-epochs", "270"],
            "270 epochs",
        ),
        (vec!["--budget", "0"], "budget must be a positive number"),
        (vec!["--model", "GPT"], "unknown model 'GPT'"),
        (vec!["--random-n", "500"], "random trains 500 schemes"),
        (vec!["--top-m", "300"], "searches a pool of 220"),
        (vec!["--cost", "gpu"], "unknown cost model 'gpu'"),
        (vec!["--known", "all"], "unknown protocol 'all'"),
        (
            vec!["--features", "Scheme + Quantitative 9 epochs"],
            "read epoch 9",
        ),
        (
            vec!["--zero-shot-features", "Schemes"],
            "unknown feature set 'Schemes'",
        ),
        (
            vec!["--strategy", "successive-halving", "--budget", "100"],
            "does not cover its first batch",
        ),
    ] {
        let res = simulate(&out, &args);
        assert_rejected(&res, needle, Some(&results));
    }
    let res = run(naap()
        .args(["nas", "simulate", "--quiet", "--dataset"])
        .arg(dir.path().join("missing.csv"))
        .arg("-o")
        .arg(&out));
    assert_rejected(&res, "missing.csv", Some(&results));
    let res = simulate(
        &out,
        &["--cost", "logged", "--logs", "/nonexistent/raw_data.tar.gz"],
    );
    assert_rejected(&res, "raw_data.tar.gz", Some(&results));
    // At most the empty folder a claimed run leaves: no file of any kind.
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "written on bad input: {left:?}");
}

/// Seconds since 1970 of a `YYYYMMDDhhmmss` stamp, counting whole years and
/// months one by one (a different route from the era formula naap uses).
fn stamp_secs(s: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
    let (year, month, day) = (n(0..4), n(4..6), n(6..8));
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days: i64 = (1970..year).map(|y| if leap(y) { 366 } else { 365 }).sum();
    let lengths = [
        31,
        if leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += lengths[..(month - 1) as usize].iter().sum::<i64>() + day - 1;
    days * 86_400 + n(8..10) * 3600 + n(10..12) * 60 + n(12..14)
}

#[test]
fn nas_logged_cost_is_the_wall_time_of_the_paper_logs() {
    use std::io::Read;
    let logs = shared_naap440("raw_data.tar.gz");
    // Exhaustive training pays every scheme's 90 epochs: the time from its
    // `Epoch 1` line to its last `Test accuracy` line.
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&logs).unwrap(),
    ));
    let mut total = 0i64;
    let mut n = 0;
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".txt") || !name.contains("scheme_") {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        let start = text.lines().find(|l| l.contains(" Epoch 1, ")).unwrap();
        let end = text
            .lines()
            .rfind(|l| l.contains(" Test accuracy: "))
            .unwrap();
        total += stamp_secs(&end[..14]) - stamp_secs(&start[..14]);
        n += 1;
    }
    assert_eq!(n, 440);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("logged");
    let res = run(naap()
        .args([
            "nas",
            "simulate",
            "--quiet",
            "--no-figures",
            "--cost",
            "logged",
        ])
        .args(["--strategy", "exhaustive", "--repeats", "1", "--logs"])
        .arg(&logs)
        .arg("--dataset")
        .arg(shared_naap440("naap440.csv"))
        .arg("-o")
        .arg(&out));
    ok(&res);
    let (_, rows) = read_results(&out);
    let cost: f64 = rows[0][5].parse().unwrap();
    assert!(
        (cost - total as f64).abs() < 1e-6 * total as f64,
        "{cost} vs {total}"
    );
    assert_eq!(&rows[0][4], "39600");
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains("GPU-seconds"), "{summary}");
}

/// `naap fit` on the published train rows: a predictor file.
fn fit(path: &Path, model: &str, features: &str) {
    let res = run(naap()
        .args([
            "fit",
            "--model",
            model,
            "--feature-set",
            features,
            "--dataset",
        ])
        .arg(shared_naap440("naap440.csv"))
        .arg("-o")
        .arg(path));
    ok(&res);
}

#[test]
fn nas_simulate_ranks_with_a_predictor_file_and_refuses_one_that_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lr3.json");
    fit(&file, "Linear Regression", "Scheme + Quantitative 3 epochs");
    let file_arg = file.to_str().unwrap();

    let out = dir.path().join("ok");
    let res = simulate(
        &out,
        &[
            "--strategy",
            "predictor,last-accuracy",
            "--repeats",
            "2",
            "--pool",
            "100",
            "--no-figures",
            "--predictor",
            file_arg,
        ],
    );
    ok(&res);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        stderr.contains(&format!("predictor file {file_arg}: Linear Regression")),
        "{stderr}"
    );
    let (_, rows) = read_results(&out);
    let labels: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        labels,
        [
            "predictor-file",
            "predictor-file",
            "last-accuracy",
            "last-accuracy"
        ]
    );
    // 100 schemes x 3 epochs, then the top 10 to 90.
    for r in &rows[..2] {
        assert_eq!(&r[4], "1170", "{r:?}");
    }
    // config.toml records the file and the checksum the file carries.
    let config = std::fs::read_to_string(out.join("config.toml")).unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    let checksum = written
        .split("\"checksum\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    assert!(checksum.starts_with("sha256:"), "{written}");
    assert!(
        config.contains(&format!("predictor_checksum = \"{checksum}\"")),
        "{config}"
    );
    assert!(config.contains("predictor = "), "{config}");

    // k-epochs below what the features read: both numbers named.
    let results = dir.path().join("k/results.csv");
    let res = simulate(
        &dir.path().join("k"),
        &[
            "--strategy",
            "predictor",
            "--k-epochs",
            "2",
            "--predictor",
            file_arg,
        ],
    );
    assert_rejected(&res, "read epoch 3, but k-epochs is 2", Some(&results));
    // A damaged file is named.
    let damaged = dir.path().join("damaged.json");
    std::fs::write(&damaged, written.replacen("\"seed\":", "\"seed\": 1", 1)).unwrap();
    let results = dir.path().join("d/results.csv");
    let res = simulate(
        &dir.path().join("d"),
        &[
            "--strategy",
            "predictor",
            "--predictor",
            damaged.to_str().unwrap(),
        ],
    );
    assert_rejected(&res, damaged.to_str().unwrap(), Some(&results));
    // The file brings its own model: --model with it is refused.
    let res = simulate(
        &dir.path().join("m"),
        &["--predictor", file_arg, "--model", "5-NN"],
    );
    assert_rejected(&res, "--model", Some(&dir.path().join("m/results.csv")));
}

/// Issue 12 item 7, `naap nas simulate`: bad files and every setting outside
/// its domain exit 2, name the file, line or setting and what was expected,
/// and leave no run folder.
#[test]
fn simulate_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
    use crate::util::{assert_bad_inputs, bad, flag, switch, BadFiles};
    let b = BadFiles::new();
    let valid = std::fs::read_to_string(crate::util::fixture_dataset("v2")).unwrap();
    let mut lines: Vec<&str> = valid.lines().collect();
    lines[2] = "2,1,abc";
    let malformed = b.file("malformed.csv", lines.join("\n"));
    let bad_toml = b.file("config.toml", "this is = not toml [\n");
    let out = b.out("nas");
    let base = [
        flag("--dataset", shared_naap440("naap440.csv")),
        flag("--repeats", "2"),
        flag("-o", &out),
    ];
    let (missing, binary) = (b.missing.display(), b.binary.display());
    let malformed_line = format!("{}:3", malformed.display());
    let toml = bad_toml.display();
    let settings = "checking the study settings";
    let mut cases = vec![
        bad(
            vec![flag("--dataset", &malformed)],
            &[&malformed_line, &"expected 17 fields"],
        ),
        bad(
            vec![flag("--config", &bad_toml)],
            &[&toml, &"line 1, column 6"],
        ),
        bad(
            vec![flag("--logs", &b.missing), flag("--cost", "logged")],
            &[&missing, &"No such file"],
        ),
        bad(
            vec![flag("--logs", &b.binary), flag("--cost", "logged")],
            &[&binary, &"expected a folder"],
        ),
        bad(
            vec![flag("--repeats", "0")],
            &[&settings, &"repeats must be at least 1, got 0"],
        ),
        bad(
            vec![flag("--pool", "1")],
            &[&settings, &"pool must be 'all' or a number >= 2, got '1'"],
        ),
        bad(
            vec![flag("--pool", "x")],
            &[&"pool must be 'all' or a number >= 2, got 'x'"],
        ),
        bad(
            vec![flag("--pool", "9999")],
            &[&"pool of 9999 schemes but the dataset has 440"],
        ),
        bad(
            vec![switch("--budget=-5")],
            &[&"budget must be a positive number, got -5"],
        ),
        bad(
            vec![flag("--budget", "NaN")],
            &[&"budget must be a positive number, got NaN"],
        ),
        bad(
            vec![flag("--eta", "1")],
            &[&"eta must be at least 2, got 1"],
        ),
        bad(
            vec![flag("--min-epochs", "0")],
            &[&"need 1 <= min-epochs <= max-epochs, got 0"],
        ),
        bad(
            vec![flag("--max-epochs", "1000")],
            &[&"max-epochs must be min-epochs times a power of eta"],
        ),
        bad(
            vec![flag("--random-n", "0")],
            &[&"random search needs at least 1 scheme, got 0"],
        ),
        bad(
            vec![flag("--k-epochs", "0")],
            &[&"k-epochs of at least 1", &"got 0"],
        ),
        bad(
            vec![flag("--k-epochs", "999")],
            &[&"up to 999 epochs but the curves have 90"],
        ),
        bad(
            vec![flag("--top-m", "0")],
            &[&"top-m must be at least 1, got 0"],
        ),
        bad(
            vec![flag("--online-batch", "0")],
            &[&"online-batch must be at least 1, got 0"],
        ),
        bad(
            vec![flag("--model", "Nope")],
            &[&"unknown model 'Nope'", &"expected one of"],
        ),
        bad(
            vec![flag("--features", "Nope")],
            &[&"unknown feature set 'Nope'", &"expected one of"],
        ),
        bad(
            vec![flag("--strategy", "nope")],
            &[&"unknown strategy 'nope'", &"expected one of"],
        ),
    ];
    cases.extend(b.unreadable("--dataset", &[]));
    cases.extend(b.unreadable("--config", &[]));
    assert_bad_inputs(&["nas", "simulate"], &base, &out, &cases);
}

#[test]
fn evolution_and_local_search_beat_random_at_equal_budget_the_same_on_any_thread_count() {
    // 10% of the 440's exhaustive cost: 44 schemes fully trained by random
    // search, or as many 30-epoch evaluations as fit for the others.
    let dir = tempfile::tempdir().unwrap();
    let study = |out: &Path, threads: &str| {
        run(naap()
            .env("RAYON_NUM_THREADS", threads)
            .args(["nas", "simulate", "--quiet", "--no-figures", "--dataset"])
            .arg(shared_naap440("naap440.csv"))
            .arg("-o")
            .arg(out)
            .args([
                "--strategy",
                "random,regularized-evolution,local-search",
                "--repeats",
                "40",
                "--budget",
                "3960",
                "--random-n",
                "44",
                "--eval-epochs",
                "30",
                "--evaluations",
                "440",
            ]))
    };
    let out = dir.path().join("a");
    ok(&study(&out, "2"));
    let (_, rows) = read_results(&out);
    let median = |name: &str| {
        let mut v: Vec<f64> = rows
            .iter()
            .filter(|r| &r[0] == name)
            .map(|r| r[11].parse().unwrap())
            .collect();
        assert_eq!(v.len(), 40, "{name}");
        v.sort_by(f64::total_cmp);
        (v[19] + v[20]) / 2.0
    };
    let random = median("random");
    for name in ["regularized-evolution", "local-search"] {
        assert!(
            median(name) < random,
            "{name} {} vs random {random}",
            median(name)
        );
    }
    for r in &rows {
        // Epochs are the cost unit: the bill is the epochs, within the budget.
        let (epochs, cost): (f64, f64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
        assert_eq!(epochs, cost);
        assert!(cost <= 3960.0, "{r:?}");
        if &r[0] != "random" {
            assert_eq!(epochs % 30.0, 0.0, "whole 30-epoch evaluations: {r:?}");
        }
    }
    let one = dir.path().join("b");
    ok(&study(&one, "1"));
    for file in ["results.csv", "trajectory.csv"] {
        assert_eq!(
            std::fs::read(out.join(file)).unwrap(),
            std::fs::read(one.join(file)).unwrap(),
            "{file} differs between 2 threads and 1"
        );
    }
}
