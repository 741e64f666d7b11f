//! `naap fit --select-by cv K`: the choice is made on the training rows
//! alone (changing every test row's MaxAccuracy changes nothing of it), it
//! is recorded in the file, and its fit is the one `naap fit` makes of the
//! chosen pair.

use crate::util::{assert_rejected, naap, run, shared_naap440};
use serde_json::Value;
use std::path::Path;

fn select(dataset: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    run(naap()
        .args(["fit", "--dataset"])
        .arg(dataset)
        .args(["--model", "Linear Regression,5-NN,RankSVM"])
        .args([
            "--feature-set",
            "Scheme",
            "--feature-set",
            "Scheme + Quantitative 3 epochs",
        ])
        .args(["--select-by", "cv", "5", "--seed", "11", "-o"])
        .arg(out)
        .args(extra))
}

fn selection(path: &Path) -> Value {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["predictor"]["training"]["selection"].clone()
}

#[test]
fn select_by_cv_never_looks_at_the_test_rows_and_records_its_choice() {
    let tmp = tempfile::tempdir().unwrap();
    let published = shared_naap440("naap440.csv");
    let a = tmp.path().join("a.json");
    let out = select(&published, &a, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("by 5-fold cross-validation on 400 rows"),
        "{stderr}"
    );
    let record = selection(&a);
    assert_eq!(record["method"], "cv");
    assert_eq!(record["rows"], 400);
    let candidates = record["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 6);
    let chosen = &candidates[record["chosen"].as_u64().unwrap() as usize];
    // The chosen one has the fewest violations (then the lowest MAE).
    let key = |c: &Value| {
        (
            c["violations"].as_u64().unwrap(),
            c["mae"].as_f64().unwrap(),
        )
    };
    assert!(candidates.iter().all(|c| key(c) >= key(chosen)), "{record}");

    // The same table with every test row's accuracies halved (each epoch's
    // and MaxAccuracy, so the table stays valid): the choice and every
    // cross-validated score are equal.
    let text = std::fs::read_to_string(&published).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<String> = lines[0].split(',').map(|h| h.trim().to_string()).collect();
    let is_test = header.iter().position(|h| h == "IsTest").unwrap();
    for line in lines.iter_mut().skip(1) {
        let mut f: Vec<String> = line.split(',').map(String::from).collect();
        if f[is_test].trim() == "1" {
            for (i, h) in header.iter().enumerate() {
                if h.ends_with("Accuracy") {
                    let v: f64 = f[i].trim().parse().unwrap();
                    f[i] = (v * 0.5).to_string();
                }
            }
        }
        *line = f.join(",");
    }
    let changed = tmp.path().join("changed.csv");
    std::fs::write(&changed, lines.join("\n") + "\n").unwrap();
    let b = tmp.path().join("b.json");
    let out = select(&changed, &b, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(selection(&b), record);

    // The file's fit is `naap fit` of the chosen pair: the same predictor.
    let c = tmp.path().join("c.json");
    let out = run(naap()
        .args(["fit", "--dataset"])
        .arg(&published)
        .args(["--model", chosen["model"].as_str().unwrap()])
        .args(["--feature-set", chosen["feature_set"].as_str().unwrap()])
        .args(["--seed", "11", "-o"])
        .arg(&c));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fitted = |p: &Path| {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v["predictor"]["fitted"].clone()
    };
    assert_eq!(fitted(&a), fitted(&c));
}

#[test]
fn several_candidates_need_select_by_and_k_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("p.json");
    let data = shared_naap440("naap440.csv");
    let res = run(naap()
        .args(["fit", "--dataset"])
        .arg(&data)
        .args([
            "--model",
            "Linear Regression,5-NN",
            "--feature-set",
            "Scheme",
            "-o",
        ])
        .arg(&out));
    assert_rejected(
        &res,
        "2 models and 1 feature sets given: choosing among several needs --select-by cv K",
        Some(&out),
    );
    for (k, needle) in [
        ("1", "K must be between 2 and 100"),
        ("x", "K must be a whole number, got 'x'"),
        ("201", "K must be between 2 and 100"),
    ] {
        let res = run(naap()
            .args(["fit", "--dataset"])
            .arg(&data)
            .args(["--model", "Linear Regression", "--feature-set", "Scheme"])
            .args(["--select-by", "cv", k, "-o"])
            .arg(&out));
        assert_rejected(&res, needle, Some(&out));
    }
    let res = run(naap()
        .args(["fit", "--dataset"])
        .arg(&data)
        .args(["--model", "Linear Regression", "--feature-set", "Scheme"])
        .args(["--select-by", "loo", "5", "-o"])
        .arg(&out));
    assert_rejected(
        &res,
        "--select-by: expected `cv K`, got method 'loo'",
        Some(&out),
    );
}
