//! `naap select-features`: outputs on the shared NAAP-440e CSV, determinism
//! across thread counts, resuming, and input errors.

use crate::util::{fixture_dataset, naap, run, shared_naap440};
use std::path::Path;
use std::process::Output;

const HEADER: &str = "Mode,Model,FeatureSetName,Flags,FeatureSubset,MAE,NumViolations,\
MaxViolations,MonotonicityScore,FinalScore,Step,ReportedSeed";

fn select(dataset: &Path, out: &Path, threads: &str, extra: &[&str]) -> Output {
    run(naap()
        .env("RAYON_NUM_THREADS", threads)
        .arg("select-features")
        .arg("--dataset")
        .arg(dataset)
        .arg("-o")
        .arg(out)
        .args(["--quiet", "--no-figures"])
        .args(extra))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small, cheap slice: two modes, two fast models, the 8 scheme features.
const SLICE: [&str; 6] = [
    "--modes",
    "left,interpolation",
    "--models",
    "Linear Regression,3-NN",
    "--epochs",
    "0",
];

#[test]
fn search_outputs_are_complete_and_independent_of_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = shared_naap440("naap440v2.csv");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let out = select(&dataset, &a, "1", &SLICE);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = select(&dataset, &b, "2", &SLICE);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(a.join("results.csv")).unwrap();
    assert_eq!(csv, std::fs::read_to_string(b.join("results.csv")).unwrap());

    let lines: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(csv.lines().next().unwrap(), HEADER);
    let rows = &lines[1..];
    // Modes in the order given, models in registry order; interpolation runs
    // both models, left extrapolation only the linear one.
    let searches: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r[10] == "0")
        .map(|r| (r[0], r[1]))
        .collect();
    assert_eq!(
        searches,
        [
            ("left-extrapolation", "Linear Regression"),
            ("interpolation", "3-NN"),
            ("interpolation", "Linear Regression")
        ]
    );
    for r in rows {
        assert_eq!(r[2], "Scheme8");
        // Flags and FeatureSubset as in the published NAAP-440e file (issue 12).
        let flags: Vec<&str> = r[3].split(';').collect();
        assert_eq!(flags.len(), 8, "{}", r[3]);
        assert!(flags.iter().all(|f| *f == "0" || *f == "1"), "{}", r[3]);
        assert!(flags.contains(&"1"), "empty subset evaluated");
        let names = r[4].split(';').count();
        assert!(!r[4].contains('+'), "{}", r[4]);
        assert_eq!(names, flags.iter().filter(|f| **f == "1").count());
        let max = if r[0] == "interpolation" {
            "780"
        } else {
            "190"
        };
        assert_eq!(r[7], max);
        // FinalScore = round(MAE, 3) · sqrt(violations / max), from the row.
        let mae: f64 = r[5].parse().unwrap();
        let v: f64 = r[6].parse().unwrap();
        let score: f64 = r[9].parse().unwrap();
        let expected = (mae * 1000.0).round() / 1000.0 * (v / max.parse::<f64>().unwrap()).sqrt();
        // MAE is printed with 4 decimals, so its 3-decimal rounding is exact
        // except right at a half; allow one unit of the last printed digit.
        assert!(
            (score - expected).abs() <= 1e-3 * (v / 190.0).sqrt() + 1e-6,
            "{r:?}"
        );
    }
    let first_rows: Vec<&str> = rows.iter().filter(|r| r[10] == "0").map(|r| r[3]).collect();
    assert!(first_rows.iter().all(|f| *f == "1;1;1;1;1;1;1;1"));
    let best = std::fs::read_to_string(a.join("best.md")).unwrap();
    assert!(
        best.contains("## left-extrapolation (max violations 190)"),
        "{best}"
    );
    assert!(best.contains("| Linear Regression | Scheme8 |"), "{best}");
    let config = std::fs::read_to_string(a.join("config.toml")).unwrap();
    assert!(config.contains("seed = 20220905"), "{config}");
    assert!(a.join("checkpoint.csv").exists());

    // No overwrite without --force; --resume --force reuses every search.
    let again = select(&dataset, &a, "2", &SLICE);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    let mut resume = SLICE.to_vec();
    resume.extend(["--resume", "--force"]);
    let resumed = select(&dataset, &a, "2", &resume);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains("3 searches (3 resumed)"),
        "{}",
        stderr(&resumed)
    );
    assert_eq!(csv, std::fs::read_to_string(a.join("results.csv")).unwrap());
}

#[test]
fn bad_inputs_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = fixture_dataset("v2");
    let out_dir = dir.path().join("out");
    let cases: [(&[&str], &str); 3] = [
        (&["--models", "2-NN"], "unknown model '2-NN'"),
        (&["--modes", "middle"], "unknown split mode 'middle'"),
        // The fixture has 2 epochs.
        (&["--epochs", "3"], "epoch 3"),
    ];
    for (args, message) in cases {
        let out = select(&dataset, &out_dir, "1", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(!out_dir.exists(), "{args:?} wrote outputs");
    }
    // A malformed dataset: the header only, then a row with a bad cell.
    let text = std::fs::read_to_string(&dataset).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap().replacen(",0,", ",x,", 1);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, format!("{header}\n{row}\n")).unwrap();
    let out = select(&bad, &out_dir, "1", &SLICE);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.csv"), "{}", stderr(&out));
    assert!(!out_dir.exists());
}

/// An interrupted run's folder: only its checkpoint is left.
fn interrupted_run(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("run");
    let res = select(&shared_naap440("naap440v2.csv"), &out, "2", &SLICE);
    assert!(res.status.success(), "{}", stderr(&res));
    for entry in std::fs::read_dir(&out).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name().unwrap() != "checkpoint.csv" {
            std::fs::remove_file(p).unwrap();
        }
    }
    out
}

#[test]
fn a_corrupted_checkpoint_is_an_input_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = interrupted_run(dir.path());
    let path = out.join("checkpoint.csv");
    let good = std::fs::read_to_string(&path).unwrap();
    // Line 3's fields (tab-separated): 6 is the subset mask, 7 the score.
    for (field, value, want) in [
        (5, "4096", "subset mask"),
        (6, "NaN", "score"),
        (7, "-0.5", "MAE"),
    ] {
        let lines: Vec<String> = good
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i != 2 {
                    return l.to_string();
                }
                let mut f: Vec<&str> = l.split('\t').collect();
                f[field] = value;
                f.join("\t")
            })
            .collect();
        let corrupt = format!("{}\n", lines.join("\n"));
        std::fs::write(&path, &corrupt).unwrap();
        let mut args = SLICE.to_vec();
        args.push("--resume");
        let res = select(&shared_naap440("naap440v2.csv"), &out, "2", &args);
        assert_eq!(res.status.code(), Some(2), "{value}: {}", stderr(&res));
        let err = stderr(&res);
        assert!(
            err.contains("checkpoint.csv")
                && err.contains("checkpoint line 3")
                && err.contains(want),
            "{value}: {err}"
        );
        assert!(!out.join("results.csv").exists());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            corrupt,
            "checkpoint rewritten"
        );
    }
    // Not UTF-8: an input error too.
    std::fs::write(&path, b"\xff\xfe").unwrap();
    let mut args = SLICE.to_vec();
    args.push("--resume");
    let res = select(&shared_naap440("naap440v2.csv"), &out, "2", &args);
    assert_eq!(res.status.code(), Some(2), "{}", stderr(&res));
}

#[test]
fn a_mode_that_runs_no_model_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // 3-NN cannot extrapolate, so left extrapolation would run nothing.
    let res = select(
        &shared_naap440("naap440v2.csv"),
        &out,
        "1",
        &["--modes", "left", "--models", "3-NN", "--epochs", "0"],
    );
    assert_eq!(res.status.code(), Some(2), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("mode left-extrapolation runs none of the models asked (3-NN)"),
        "{}",
        stderr(&res)
    );
    assert!(!out.exists());
}

#[test]
fn select_takes_the_shared_font_flag_and_checks_it_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let res = run(naap()
        .args(["select-features", "--quiet", "--font"])
        .arg(dir.path().join("no-such-font.ttf"))
        .arg("--dataset")
        .arg(fixture_dataset("v2"))
        .arg("-o")
        .arg(&out)
        .args(SLICE));
    assert_eq!(res.status.code(), Some(2), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("no-such-font.ttf"),
        "{}",
        stderr(&res)
    );
    assert!(!out.exists());
}

/// Issue 13: `--resume` silently reused searches made by an older build.
#[test]
fn resume_refuses_a_checkpoint_of_another_build_and_resume_stale_redoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = shared_naap440("naap440v2.csv");
    let out = dir.path().join("out");
    let slice = [
        "--modes",
        "interpolation",
        "--models",
        "Linear Regression",
        "--epochs",
        "0",
    ];
    let first = select(&dataset, &out, "2", &slice);
    assert!(first.status.success(), "{}", stderr(&first));
    let results = std::fs::read_to_string(out.join("results.csv")).unwrap();
    // The same checkpoint as written by another build of naap-predict.
    let path = out.join("checkpoint.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = text.split_once("; code ").unwrap();
    let body = rest.split_once('\n').unwrap().1;
    let other = "naap-predict 0.1.0 sources 0000000000000000";
    std::fs::write(&path, format!("{head}; code {other}\n{body}")).unwrap();

    let mut resume = slice.to_vec();
    resume.extend(["--resume", "--force"]);
    let refused = select(&dataset, &out, "2", &resume);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains(&format!("written by another build ({other}; this is")),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--resume-stale"));

    let mut stale = slice.to_vec();
    stale.extend(["--resume-stale", "--force"]);
    let redone = select(&dataset, &out, "2", &stale);
    assert!(redone.status.success(), "{}", stderr(&redone));
    assert!(
        stderr(&redone).contains("1 searches (0 resumed)"),
        "{}",
        stderr(&redone)
    );
    assert_eq!(
        results,
        std::fs::read_to_string(out.join("results.csv")).unwrap()
    );
    // The rewritten checkpoint is this build's: a plain --resume now reuses it.
    let resumed = select(&dataset, &out, "2", &resume);
    assert!(
        stderr(&resumed).contains("1 searches (1 resumed)"),
        "{}",
        stderr(&resumed)
    );
}

/// The fixture dataset with made-up zero-cost columns joined by `naap dataset join`.
fn fixture_with_zero_cost(dir: &Path) -> std::path::PathBuf {
    let dataset = fixture_dataset("v2");
    let mut extra = format!("ModelId,{}\n", naap_dataset::ZERO_COST_COLUMNS.join(","));
    for id in 1..=5 {
        let id = f64::from(id);
        extra.push_str(&format!(
            "{id},{},{},{},{}\n",
            id.ln(),
            2.0 * id,
            -id,
            id * id
        ));
    }
    let extra_path = dir.join("proxies.csv");
    std::fs::write(&extra_path, extra).unwrap();
    let joined = dir.join("joined.csv");
    let res = run(naap()
        .args(["dataset", "join"])
        .arg(&dataset)
        .arg(&extra_path)
        .arg("-o")
        .arg(&joined));
    assert!(res.status.success(), "{}", stderr(&res));
    joined
}

/// Issue 11: the search also runs over the zero-cost columns and the curve
/// features, under set names of their own, given with --feature-set.
#[test]
fn named_sets_search_zero_cost_and_curve_features() {
    let dir = tempfile::tempdir().unwrap();
    let joined = fixture_with_zero_cost(dir.path());
    let out = dir.path().join("out");
    let set = "Scheme8+ZeroCost+Quant.2+Curve";
    let args = [
        "--modes",
        "interpolation",
        "--models",
        "1-NN",
        "--feature-set",
        set,
        "--feature-set",
        "Scheme + ZeroCost",
    ];
    let res = select(&joined, &out, "2", &args);
    assert!(res.status.success(), "{}", stderr(&res));
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // Without --epochs only the named sets run, in the order given.
    let searched: Vec<&str> = rows.iter().filter(|r| r[10] == "0").map(|r| r[2]).collect();
    assert_eq!(searched, [set, "Scheme + ZeroCost"]);
    let full = rows.iter().find(|r| r[2] == set && r[10] == "0").unwrap();
    let names: Vec<&str> = full[4].split(';').collect();
    assert_eq!(names.len(), 8 + 4 + 6 + 5 + 2, "{names:?}");
    assert_eq!(names[8..12], naap_dataset::ZERO_COST_COLUMNS);
    assert_eq!(
        names[18..],
        [
            "dAcc1",
            "Mean(Acc)@2",
            "Std(Acc)@2",
            "Mean(dAcc)@2",
            "Std(dAcc)@2",
            "SoTL@2",
            "Extrap90@2"
        ]
    );
    // The search went past the full set, and only over this set's columns.
    let subsets = rows.iter().filter(|r| r[2] == set).count();
    assert!(subsets > names.len(), "{subsets}");
    assert!(rows
        .iter()
        .filter(|r| r[2] == set)
        .all(|r| r[3].split(';').count() == names.len()));
    let config = std::fs::read_to_string(out.join("config.toml")).unwrap();
    assert!(config.contains(set), "{config}");
    let best = std::fs::read_to_string(out.join("best.md")).unwrap();
    assert!(best.contains(&format!("| 1-NN | {set} |")), "{best}");

    // The plain fixture lacks the zero-cost columns; a set too large for
    // the search, or unknown: exit 2, nothing written.
    let plain = fixture_dataset("v2");
    let bad_out = dir.path().join("bad");
    let cases: [(&Path, &str, &str); 3] = [
        (&plain, set, "column LogSynFlow is not in this dataset"),
        (
            &joined,
            "Scheme8+ZeroCost+Quant.12+Curve",
            "has 77 features",
        ),
        (
            &joined,
            "Scheme8+Curve",
            "unknown feature set 'Scheme8+Curve'",
        ),
    ];
    for (dataset, name, needle) in cases {
        let res = select(dataset, &bad_out, "1", &["--feature-set", name]);
        assert_eq!(res.status.code(), Some(2), "{name}: {}", stderr(&res));
        assert!(stderr(&res).contains(needle), "{name}: {}", stderr(&res));
        assert!(!bad_out.exists(), "{name} wrote outputs");
    }
}

#[test]
fn the_library_job_writes_the_folder_the_command_writes() {
    use naap_predict::select::{Resume, SelectConfig, SelectJob};
    let dir = tempfile::tempdir().unwrap();
    let dataset = shared_naap440("naap440v2.csv");
    let (cli, lib) = (dir.path().join("cli"), dir.path().join("lib"));
    let out = select(&dataset, &cli, "2", &SLICE);
    assert!(out.status.success(), "{}", stderr(&out));
    let config = SelectConfig {
        modes: ["left", "interpolation"]
            .map(|m| m.parse().unwrap())
            .to_vec(),
        models: ["Linear Regression", "3-NN"]
            .map(|m| m.parse().unwrap())
            .to_vec(),
        epochs: vec![0],
        ..SelectConfig::default()
    };
    let job = SelectJob::new(config, Resume::No, false).unwrap();
    let bytes = std::fs::read(&dataset).unwrap();
    let table = naap_dataset::Dataset::parse(&bytes, &dataset).unwrap();
    let inputs = job.prepare(&dataset, &bytes, &table).unwrap();
    let run_dir = naap_output::RunDir::claim(&lib, &job.claim(false)).unwrap();
    let report = job.run(&inputs, run_dir, &naap_output::Silent).unwrap();
    assert_eq!((report.searches, report.resumed), (3, 0));
    for name in ["config.toml", "best.md", "results.csv", "checkpoint.csv"] {
        let (a, b) = (cli.join(name), lib.join(name));
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{name} differs"
        );
    }
}
