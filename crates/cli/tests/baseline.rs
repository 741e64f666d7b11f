//! `naap baseline`: outputs on the shared NAAP-440 CSV, values checked by an
//! independent computation for 1-NN and linear regression, figures, and
//! input errors.

use crate::util::{fixture_dataset, naap, run, shared_naap440};
use std::path::Path;

const HEADER: &str = "Model,Features,MeanAbsoluteError,NumViolations,MaxViolations,\
MonotonicityScore,KendallTau,SpearmanRho,PredictionTies,ReportedSeed,MaeMin,MaeMedian,MaeMax,\
ViolationsMin,ViolationsMedian,ViolationsMax";

const SETS: [&str; 4] = [
    "Scheme",
    "Scheme + Quantitative 3 epochs",
    "Scheme + Quantitative 6 epochs",
    "Scheme + Quantitative 9 epochs",
];

fn baseline(dataset: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    run(naap()
        .arg("baseline")
        .arg("--dataset")
        .arg(dataset)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .args(extra))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The published CSV as rows of named fields.
fn read_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|rec| rec.unwrap()).collect()
}

/// An independent take on the protocol: sorted rows, published split,
/// log features, train-fitted standardization.
struct Split {
    x_train: Vec<Vec<f64>>,
    y_train: Vec<f64>,
    x_test: Vec<Vec<f64>>,
    y_test: Vec<f64>,
}

fn split(path: &Path, columns: &[&str]) -> Split {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut rows = read_rows(path);
    let acc = col("MaxAccuracy");
    rows.sort_by(|a, b| {
        let (x, y): (f64, f64) = (a[acc].parse().unwrap(), b[acc].parse().unwrap());
        x.total_cmp(&y)
    });
    let feats = |rec: &csv::StringRecord| -> Vec<f64> {
        columns
            .iter()
            .map(|c| {
                let v: f64 = rec[col(c)].parse().unwrap();
                if *c == "NumParams" || *c == "NumMACs" {
                    v.ln()
                } else {
                    v
                }
            })
            .collect()
    };
    let is_test = col("IsTest");
    let (test, train): (Vec<_>, Vec<_>) = rows.iter().partition(|r| &r[is_test] == "1");
    let mut x_train: Vec<Vec<f64>> = train.iter().map(|r| feats(r)).collect();
    let mut x_test: Vec<Vec<f64>> = test.iter().map(|r| feats(r)).collect();
    let n = x_train.len() as f64;
    for j in 0..columns.len() {
        let mean = x_train.iter().map(|r| r[j]).sum::<f64>() / n;
        let std = (x_train.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n).sqrt();
        for r in x_train.iter_mut().chain(x_test.iter_mut()) {
            r[j] = (r[j] - mean) / std;
        }
    }
    let y = |rs: &[&csv::StringRecord]| rs.iter().map(|r| r[acc].parse().unwrap()).collect();
    Split {
        y_train: y(&train),
        y_test: y(&test),
        x_train,
        x_test,
    }
}

fn mae_and_violations(truth: &[f64], pred: &[f64]) -> (f64, usize) {
    let mae = truth
        .iter()
        .zip(pred)
        .map(|(t, p)| (t - p).abs())
        .sum::<f64>()
        / truth.len() as f64;
    let mut v = 0;
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            v += usize::from((pred[i] - pred[j]) * (truth[i] - truth[j]) < 0.0);
        }
    }
    (mae, v)
}

fn one_nn(s: &Split) -> Vec<f64> {
    s.x_test
        .iter()
        .map(|q| {
            let d = |r: &Vec<f64>| r.iter().zip(q).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
            let best = (0..s.x_train.len())
                .min_by(|&a, &b| d(&s.x_train[a]).total_cmp(&d(&s.x_train[b])))
                .unwrap();
            s.y_train[best]
        })
        .collect()
}

/// Least squares with intercept on two standardized features: with centred
/// columns the intercept is mean(y) and the slopes solve a 2x2 system.
fn ols_two_features(s: &Split) -> Vec<f64> {
    let n = s.y_train.len() as f64;
    let my = s.y_train.iter().sum::<f64>() / n;
    let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (x, y) in s.x_train.iter().zip(&s.y_train) {
        a11 += x[0] * x[0];
        a12 += x[0] * x[1];
        a22 += x[1] * x[1];
        b1 += x[0] * (y - my);
        b2 += x[1] * (y - my);
    }
    let det = a11 * a22 - a12 * a12;
    let (w1, w2) = ((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det);
    s.x_test
        .iter()
        .map(|x| my + w1 * x[0] + w2 * x[1])
        .collect()
}

fn result_row<'a>(rows: &'a [Vec<String>], model: &str, set: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == model && r[1] == set)
        .unwrap_or_else(|| panic!("no row for {model} / {set}"))
}

fn assert_cell(rows: &[Vec<String>], model: &str, set: &str, expected: (f64, usize)) {
    let row = result_row(rows, model, set);
    let mae: f64 = row[2].parse().unwrap();
    assert!(
        (mae - expected.0).abs() <= 0.5e-4 + 1e-12,
        "{model} / {set}: MAE {mae} vs {}",
        expected.0
    );
    assert_eq!(
        row[3],
        expected.1.to_string(),
        "{model} / {set}: violations"
    );
    assert_eq!(row[4], "780");
}

#[test]
fn baseline_on_the_shared_csv_matches_a_direct_computation() {
    let dataset = shared_naap440("naap440.csv");
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = baseline(&dataset, &out_dir, &["--no-figures"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("96 cells"), "{}", stderr(&out));
    for f in ["results.csv", "table.md", "table.tex", "config.toml"] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    assert!(!out_dir.join("figures").exists());

    let text = std::fs::read_to_string(out_dir.join("results.csv")).unwrap();
    assert_eq!(text.lines().next().unwrap(), HEADER);
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 96);
    assert_eq!(rows[0][0], "1-NN");
    assert_eq!(rows[95][0], "Random Forest (N=200)");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[1], SETS[i % 4]);
    }

    let q9: Vec<String> = {
        let mut c: Vec<String> = [
            "NumParams",
            "NumMACs",
            "NumLayers",
            "NumStages",
            "FirstLayerWidth",
            "LastLayerWidth",
        ]
        .map(String::from)
        .to_vec();
        for e in 1..=9 {
            for s in ["LossMean", "LossMedian", "Accuracy"] {
                c.push(format!("e{e}{s}"));
            }
        }
        c
    };
    let q9: Vec<&str> = q9.iter().map(String::as_str).collect();
    let s = split(&dataset, &q9);
    assert_eq!(s.y_test.len(), 40);
    assert_cell(
        &rows,
        "1-NN",
        SETS[3],
        mae_and_violations(&s.y_test, &one_nn(&s)),
    );
    let s = split(&dataset, &["NumParams", "NumStages"]);
    let lr = mae_and_violations(&s.y_test, &ols_two_features(&s));
    assert_cell(&rows, "Linear Regression", SETS[0], lr);

    let table = std::fs::read_to_string(out_dir.join("table.md")).unwrap();
    assert!(
        table.starts_with("| Model | 100% | 96.7% | 93.3% | 90.0% |"),
        "{table}"
    );
    assert_eq!(table.lines().filter(|l| l.starts_with("| ")).count(), 25);
    let config = std::fs::read_to_string(out_dir.join("config.toml")).unwrap();
    assert!(config.contains("seeds = [20220905, 20220906, 20220907, 20220908, 20220909]"));
}

/// A small valid dataset: the published header and every 6th row (about 73
/// rows, 7 of them test rows), so the figures test runs quickly.
fn small_dataset(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(shared_naap440("naap440.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines.step_by(6) {
        out.push_str(line);
        out.push('\n');
    }
    let path = dir.join("small.csv");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn figures_for_every_cell_and_no_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = small_dataset(dir.path());
    let out_dir = dir.path().join("out");
    let out = baseline(&dataset, &out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let figures: Vec<_> = std::fs::read_dir(out_dir.join("figures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(figures.len(), 96 * 2);
    for f in &figures {
        let bytes = std::fs::read(f).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", f.display());
    }
    assert!(out_dir
        .join("figures/linear-regression-d-0.5__scheme-quantitative-3-epochs__ranks.png")
        .is_file());

    let before = std::fs::read(out_dir.join("results.csv")).unwrap();
    let again = baseline(&dataset, &out_dir, &["--no-figures"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = baseline(&dataset, &out_dir, &["--no-figures", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    // Same input and seeds: the same results.
    assert_eq!(std::fs::read(out_dir.join("results.csv")).unwrap(), before);
}

#[test]
fn malformed_dataset_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture_dataset("v1")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Line 4 of the file: a NumParams that is not a number.
    let mut fields: Vec<&str> = lines[3].split(',').collect();
    fields[2] = "lots";
    lines[3] = fields.join(",");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let out_dir = dir.path().join("out");
    let out = baseline(&bad, &out_dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("bad.csv") && err.contains(":4"), "{err}");
    assert!(!out_dir.exists());
}

#[test]
fn a_table_too_large_to_fit_is_refused_at_once() {
    // 20,240 valid rows: the published rows again and again under new ModelIds.
    let text = std::fs::read_to_string(shared_naap440("naap440.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut big = format!("{header}\n");
    for k in 0..46 {
        for row in &rows {
            let (id, rest) = row.split_once(',').unwrap();
            let id: usize = id.parse().unwrap();
            big.push_str(&format!("{},{rest}\n", k * rows.len() + id));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("big.csv");
    std::fs::write(&dataset, big).unwrap();
    let out_dir = dir.path().join("out");
    let out = baseline(&dataset, &out_dir, &["--no-figures"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("20240 rows is more than the 20000"),
        "{}",
        stderr(&out)
    );
    assert!(!out_dir.join("results.csv").exists());
}

#[test]
fn extended_without_the_zero_cost_columns_says_how_to_add_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ext");
    let res = crate::util::run(
        crate::util::naap()
            .args(["baseline", "--extended", "--no-figures", "-q", "--dataset"])
            .arg(crate::util::shared_naap440("naap440.csv"))
            .arg("-o")
            .arg(&out),
    );
    crate::util::assert_rejected(&res, "naap dataset join", Some(&out.join("results.csv")));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("missing: LogSynFlow, GradNorm, Snip, JacobCov"),
        "{err}"
    );
}

#[test]
fn the_library_job_writes_the_folder_the_command_writes() {
    use naap_predict::baseline::BaselineJob;
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    let (cli, lib) = (dir.path().join("cli"), dir.path().join("lib"));
    let res = baseline(&csv, &cli, &["--no-figures"]);
    assert!(res.status.success(), "{}", stderr(&res));
    let dataset = naap_dataset::Dataset::read(&csv).unwrap();
    let job = BaselineJob::new(csv.clone(), dataset, false, false).unwrap();
    let run_dir = naap_output::RunDir::claim(&lib, &job.claim(false)).unwrap();
    let report = job.run(run_dir, &naap_output::Silent).unwrap();
    assert_eq!((report.cells, report.failures.len()), (96, 0));
    let listing = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        listing(&lib),
        ["config.toml", "results.csv", "table.md", "table.tex"]
    );
    assert_eq!(listing(&cli), listing(&lib));
    for name in listing(&lib) {
        let (a, b) = (cli.join(&name), lib.join(&name));
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{name} differs"
        );
    }
}
