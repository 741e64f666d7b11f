//! `naap fit` and `naap predict`: a predictor fitted on the train rows
//! predicts the test schemes from their own logs as an independent 1-NN
//! computation does, logs and the dataset give the same numbers, a scheme
//! outside the space is predicted, `--from-selection` takes the search's
//! best subset, and bad input exits 2 with nothing written.

use crate::util::{assert_rejected, naap, run, shared_naap440};
use naap_dataset::{Dataset, TrainingLog};
use std::path::{Path, PathBuf};
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fit(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let out = run(naap().arg("fit").arg("-o").arg(&path).args(extra));
    assert!(out.status.success(), "{}", stderr(&out));
    path
}

fn predict(predictor: &Path, out: &Path, extra: &[&str]) -> Output {
    run(naap()
        .arg("predict")
        .arg("--predictor")
        .arg(predictor)
        .arg("-o")
        .arg(out)
        .args(extra))
}

/// (ModelId, PredictedAccuracy, PredictedRank) per line.
fn read_predictions(path: &Path) -> Vec<(u32, f64, usize)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("ModelId,PredictedAccuracy,PredictedRank"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The test rows' ids, in file order.
fn test_ids(dataset: &Dataset) -> Vec<u32> {
    dataset
        .rows
        .iter()
        .filter(|r| r.is_test)
        .map(|r| r.id.get())
        .collect()
}

fn ids_arg(ids: &[u32]) -> String {
    ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// 1-NN by hand: ln of the counts, population standardisation on the
/// train rows, Euclidean distance, the first nearest train row on a tie.
fn one_nn(dataset: &Dataset, k: usize) -> Vec<(u32, f64)> {
    let feats = |r: &naap_dataset::Row| -> Vec<f64> {
        let s = &r.scheme;
        let mut v = vec![
            (s.num_params as f64).ln(),
            (s.num_macs as f64).ln(),
            f64::from(s.num_layers),
            f64::from(s.num_stages),
            f64::from(s.first_layer_width),
            f64::from(s.last_layer_width),
        ];
        for e in &r.epochs[..k] {
            v.extend([e.loss_mean, e.loss_median, e.accuracy]);
        }
        v
    };
    let train: Vec<&naap_dataset::Row> = dataset.rows.iter().filter(|r| !r.is_test).collect();
    let x: Vec<Vec<f64>> = train.iter().map(|r| feats(r)).collect();
    let n = x.len() as f64;
    let cols = x[0].len();
    let mean: Vec<f64> = (0..cols)
        .map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n)
        .collect();
    let std: Vec<f64> = (0..cols)
        .map(|j| (x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt())
        .collect();
    let scale = |v: Vec<f64>| -> Vec<f64> {
        v.iter()
            .enumerate()
            .map(|(j, a)| (a - mean[j]) / std[j])
            .collect()
    };
    let xs: Vec<Vec<f64>> = x.into_iter().map(scale).collect();
    dataset
        .rows
        .iter()
        .filter(|r| r.is_test)
        .map(|r| {
            let q = scale(feats(r));
            let d = |t: &Vec<f64>| t.iter().zip(&q).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
            let mut best = 0;
            for i in 1..xs.len() {
                if d(&xs[i]) < d(&xs[best]) {
                    best = i;
                }
            }
            (r.id.get(), train[best].max_accuracy)
        })
        .collect()
}

#[test]
fn hold_out_from_logs_equals_an_independent_one_nn_and_the_dataset_path() {
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    let dataset = Dataset::read(&csv).unwrap();
    let p = fit(
        dir.path(),
        "p.json",
        &[
            "--dataset",
            s(&csv),
            "--model",
            "1-NN",
            "--feature-set",
            "Scheme+Quant.3",
        ],
    );
    let ids = ids_arg(&test_ids(&dataset));
    let schemes = shared_naap440("generated_schemes.json");
    let from_logs = dir.path().join("logs.csv");
    let out = predict(
        &p,
        &from_logs,
        &[
            "--schemes",
            s(&schemes),
            "--ids",
            &ids,
            "--logs",
            s(&shared_naap440("raw_data.tar.gz")),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got = read_predictions(&from_logs);
    let expected = one_nn(&dataset, 3);
    assert_eq!(got.len(), 40);
    for ((id, p, _), (eid, e)) in got.iter().zip(&expected) {
        assert_eq!((id, p), (eid, e), "scheme {id}");
    }
    // Ranks: 1 for the highest prediction.
    let top = got.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert_eq!(top.2, 1);
    // The dataset's rows give the same predictions, and the truth.
    let from_csv = dir.path().join("csv.csv");
    let out = predict(
        &p,
        &from_csv,
        &[
            "--schemes",
            s(&schemes),
            "--ids",
            &ids,
            "--dataset",
            s(&csv),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&from_csv).unwrap();
    assert!(text.starts_with("ModelId,PredictedAccuracy,PredictedRank,MaxAccuracy\n"));
    assert_eq!(read_predictions(&from_csv), got);
}

#[test]
fn a_scheme_outside_the_space_gets_a_prediction_from_a_scheme_only_predictor() {
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    let p = fit(
        dir.path(),
        "p.json",
        &[
            "--dataset",
            s(&csv),
            "--model",
            "SVR (RBF kernel)",
            "--feature-set",
            "Scheme",
            "--all-rows",
        ],
    );
    // Five layers of width 64 with 5x5 kernels: no NAAP-440 scheme is like it.
    let layer = |stride: u32, residual: bool| {
        format!(r#"{{"kernel_size": 5, "width": 64, "stride": {stride}, "residual": {residual}}}"#)
    };
    let scheme = [
        layer(1, false),
        layer(2, false),
        layer(1, true),
        layer(2, false),
        layer(1, true),
    ];
    let schemes = dir.path().join("new.json");
    std::fs::write(&schemes, format!("[[{}]]", scheme.join(","))).unwrap();
    let out_csv = dir.path().join("new.csv");
    let out = predict(&p, &out_csv, &["--schemes", s(&schemes)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = read_predictions(&out_csv);
    assert_eq!(got.len(), 1);
    assert!(got[0].1 > 0.3 && got[0].1 < 0.9, "{got:?}");
    let file = std::fs::read_to_string(&p).unwrap();
    assert!(file.contains("\"rows\":440"), "fitted on every row");
}

#[test]
fn from_selection_fits_the_best_subset_of_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = shared_naap440("naap440v2.csv");
    let search = dir.path().join("search");
    let out = run(naap()
        .args([
            "select-features",
            "--quiet",
            "--no-figures",
            "--modes",
            "interpolation",
        ])
        .args([
            "--models",
            "3-NN",
            "--epochs",
            "0",
            "--dataset",
            s(&v2),
            "-o",
            s(&search),
        ]));
    assert!(out.status.success(), "{}", stderr(&out));
    let p = fit(
        dir.path(),
        "p.json",
        &[
            "--dataset",
            s(&v2),
            "--model",
            "3-NN",
            "--from-selection",
            s(&search),
            "--mode",
            "interpolation",
            "--feature-set",
            "Scheme8",
        ],
    );
    // best.md's row for 3-NN names the best subset, joined by '+'.
    let best = std::fs::read_to_string(search.join("best.md")).unwrap();
    let row = best
        .lines()
        .find(|l| l.starts_with("| 3-NN | Scheme8 |"))
        .unwrap();
    let subset: Vec<&str> = row.split(" | ").nth(2).unwrap().split('+').collect();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let features: Vec<&str> = file["predictor"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(features, subset);
    assert!(
        features.len() < 8,
        "the search found a smaller subset: {features:?}"
    );
}

/// The first `k` epochs of scheme 1's published log, as a log file.
fn short_log(dir: &Path, k: usize) -> PathBuf {
    let logs = naap_dataset::read_logs(&shared_naap440("raw_data.tar.gz")).unwrap();
    let log = TrainingLog::parse(&logs[0].bytes, &logs[0].path).unwrap();
    let mut lines = log.header().to_vec();
    lines.extend(log.epochs()[..k].iter().flat_map(|e| e.lines()));
    let short = TrainingLog::from_lines(lines).unwrap();
    let folder = dir.join("logs");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("scheme_1.txt"), short.text(log.line_ending())).unwrap();
    folder
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    let schemes = shared_naap440("generated_schemes.json");
    let p = fit(
        dir.path(),
        "p.json",
        &[
            "--dataset",
            s(&csv),
            "--model",
            "Linear Regression",
            "--feature-set",
            "Scheme + Quantitative 3 epochs",
        ],
    );
    let text = std::fs::read_to_string(&p).unwrap();
    let out = dir.path().join("out.csv");
    let variant = |name: &str, content: &str| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let cases = [
        (
            variant("cut.json", &text[..text.len() - 100]),
            "invalid JSON",
        ),
        (
            variant(
                "future.json",
                &text.replace("\"format_version\":1", "\"format_version\":7"),
            ),
            "version 7 is newer",
        ),
        (
            variant(
                "edited.json",
                &text.replacen("\"mean\":[", "\"mean\":[1", 1),
            ),
            "checksum",
        ),
    ];
    for (bad, needle) in &cases {
        let res = predict(bad, &out, &["--schemes", s(&schemes), "--dataset", s(&csv)]);
        assert_rejected(&res, needle, Some(&out));
    }
    // A log with 2 epochs for a 3-epoch predictor names the scheme.
    let logs = short_log(dir.path(), 2);
    let res = predict(
        &p,
        &out,
        &["--schemes", s(&schemes), "--ids", "1", "--logs", s(&logs)],
    );
    assert_rejected(
        &res,
        "scheme 1: the log has 2 finished epochs, the predictor needs 3",
        Some(&out),
    );
    // No curves at all for a predictor that needs them.
    let res = predict(&p, &out, &["--schemes", s(&schemes), "--ids", "1"]);
    assert_rejected(&res, "needs epochs 1..3", Some(&out));
    // A schemes file that fails validation.
    let broken = variant(
        "bad.json",
        r#"[[{"kernel_size": 2, "width": 8, "stride": 1, "residual": false}]]"#,
    );
    let res = predict(&p, &out, &["--schemes", s(&broken), "--dataset", s(&csv)]);
    assert_rejected(&res, "kernel_size must be odd", Some(&out));
    // A v2 feature on a v1 dataset, and an unknown set, at fit time.
    let p2 = dir.path().join("p2.json");
    let res = run(naap()
        .args([
            "fit",
            "--dataset",
            s(&csv),
            "--model",
            "1-NN",
            "--feature-set",
            "Scheme8",
        ])
        .arg("-o")
        .arg(&p2));
    assert_rejected(&res, "NumSkipConnections", Some(&p2));
    let res = run(naap()
        .args([
            "fit",
            "--dataset",
            s(&csv),
            "--model",
            "1-NN",
            "--feature-set",
            "Scheme9",
        ])
        .arg("-o")
        .arg(&p2));
    assert_rejected(&res, "unknown feature set 'Scheme9'", Some(&p2));
}

#[test]
fn skip_incomplete_predicts_the_rest_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    let schemes = shared_naap440("generated_schemes.json");
    let p = fit(
        dir.path(),
        "p.json",
        &[
            "--dataset",
            s(&csv),
            "--model",
            "3-NN",
            "--feature-set",
            "Scheme+Quant.1",
        ],
    );
    // Scheme 1 has 2 epochs (enough), scheme 2 has no log at all.
    let logs = short_log(dir.path(), 2);
    let out = dir.path().join("out.csv");
    let res = predict(
        &p,
        &out,
        &[
            "--schemes",
            s(&schemes),
            "--ids",
            "1,2",
            "--logs",
            s(&logs),
            "--skip-incomplete",
        ],
    );
    assert_eq!(res.status.code(), Some(3), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("skipped scheme 2: no training log scheme_2.txt"),
        "{}",
        stderr(&res)
    );
    let got = read_predictions(&out);
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1]);
    // Cut at the one epoch needed: equal to the dataset row's prediction.
    let from_csv = dir.path().join("csv.csv");
    let res = predict(
        &p,
        &from_csv,
        &["--schemes", s(&schemes), "--ids", "1", "--dataset", s(&csv)],
    );
    assert!(res.status.success(), "{}", stderr(&res));
    assert_eq!(read_predictions(&from_csv)[0].1, got[0].1);
}

/// Issue 11: `naap fit --model LcSVR` saves the LcSVR as itself, with the
/// C, ν and γ its random search chose and every draw's cross-validated MAE.
#[test]
fn a_saved_lcsvr_records_its_search() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = shared_naap440("naap440v2.csv");
    let file = fit(
        dir.path(),
        "lcsvr.json",
        &[
            "--dataset",
            s(&dataset),
            "--model",
            "LcSVR",
            "--feature-set",
            "Scheme + Curve 3 epochs",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let lcsvr = json
        .pointer("/predictor/fitted/lc_svr")
        .unwrap_or_else(|| panic!("no predictor.fitted.lc_svr in {json}"));
    let draws = lcsvr["draws"].as_array().unwrap();
    assert_eq!(draws.len(), 24);
    let chosen = &draws[lcsvr["chosen"].as_u64().unwrap() as usize];
    let cv = |d: &serde_json::Value| d["cv_mae"].as_f64().unwrap();
    assert!(draws.iter().all(|d| cv(d) >= cv(chosen)));
    assert_eq!(
        lcsvr.pointer("/svr/kernel/gamma").unwrap(),
        &chosen["gamma"],
        "{lcsvr}"
    );
}

/// Issue 12 item 7, `naap fit`: every input fault exits 2, names the file,
/// line or flag and what was expected, and writes no predictor file.
#[test]
fn fit_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
    use crate::util::{assert_bad_inputs, bad, fixture_dataset, flag, unset, BadFiles};
    let b = BadFiles::new();
    let valid = std::fs::read_to_string(fixture_dataset("v2")).unwrap();
    let mut lines: Vec<&str> = valid.lines().collect();
    lines[2] = "2,1,abc";
    let malformed = b.file("malformed.csv", lines.join("\n"));
    let out = b.out("predictor.json");
    let base = [
        flag("--dataset", fixture_dataset("v2")),
        flag("--model", "Linear Regression"),
        flag("--feature-set", "Scheme"),
        flag("-o", &out),
    ];
    let malformed_line = format!("{}:3", malformed.display());
    let no_results = b.folder.join("results.csv");
    let no_results = no_results.display();
    let mut cases = vec![
        bad(
            vec![flag("--dataset", &malformed)],
            &[&malformed_line, &"expected 17 fields"],
        ),
        bad(
            vec![flag("--model", "Nope")],
            &[&"'--model <NAME>'", &"Nope"],
        ),
        bad(
            vec![flag("--feature-set", "Nope")],
            &[&"unknown feature set 'Nope'", &"expected one of"],
        ),
        bad(
            vec![unset("--feature-set"), flag("--features", "NumParams,Nope")],
            &[&"column Nope is not in this dataset"],
        ),
        bad(
            vec![
                unset("--feature-set"),
                flag("--features", "NumParams,e9Accuracy"),
            ],
            &[&"epoch 9 needed", &"2 epochs"],
        ),
        bad(
            vec![
                flag("--from-selection", &b.folder),
                flag("--mode", "interpolation"),
            ],
            &[&no_results],
        ),
        bad(
            vec![
                flag("--from-selection", &b.folder),
                flag("--mode", "sideways"),
            ],
            &[&"unknown split mode 'sideways'", &"interpolation"],
        ),
    ];
    cases.extend(b.unreadable("--dataset", &[]));
    assert_bad_inputs(&["fit"], &base, &out, &cases);
}

/// Issue 12 item 7, `naap predict`: the same for the predictor file, the
/// schemes, the ids, the logs and the dataset.
#[test]
fn predict_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
    use crate::util::{assert_bad_inputs, bad, fixture_dataset, flag, unset, BadFiles};
    let b = BadFiles::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dataset");
    // A predictor that reads epoch 2, fitted on the fixture.
    let predictor = b.out("fitted.json");
    std::fs::create_dir_all(predictor.parent().unwrap()).unwrap();
    let fit = run(naap()
        .args([
            "fit",
            "--model",
            "Linear Regression",
            "--all-rows",
            "--dataset",
        ])
        .arg(fixture_dataset("v2"))
        .args(["--features", "NumParams,e2Accuracy", "-o"])
        .arg(&predictor));
    assert!(fit.status.success(), "{}", stderr(&fit));
    let cut_predictor = b.file("cut.json", &std::fs::read(&predictor).unwrap()[..100]);
    let malformed_schemes = b.file("schemes.json", "[[{\"kernel_size\": 3");
    let valid = std::fs::read_to_string(fixture_dataset("v2")).unwrap();
    let mut lines: Vec<&str> = valid.lines().collect();
    lines[2] = "2,1,abc";
    let malformed = b.file("malformed.csv", lines.join("\n"));
    let out = b.out("predictions.csv");
    let base = [
        flag("--predictor", &predictor),
        flag("--schemes", fixtures.join("schemes.json")),
        flag("--logs", fixtures.join("logs")),
        flag("-o", &out),
    ];
    let (missing, folder, binary) = (b.missing.display(), b.folder.display(), b.binary.display());
    let cut = cut_predictor.display();
    let schemes_file = fixtures.join("schemes.json");
    let schemes_file = schemes_file.display();
    let bad_schemes = malformed_schemes.display();
    let malformed_line = format!("{}:3", malformed.display());
    let mut cases = vec![
        bad(
            vec![flag("--predictor", &cut_predictor)],
            &[&cut, &"not a predictor file"],
        ),
        bad(
            vec![flag("--schemes", &malformed_schemes)],
            &[&bad_schemes, &"not a JSON list of schemes"],
        ),
        bad(
            vec![flag("--ids", "0")],
            &[&"--ids", &"'0' is not a scheme id"],
        ),
        bad(
            vec![flag("--ids", "9")],
            &[&"--ids: scheme 9 is not in", &schemes_file, &"5 schemes"],
        ),
        bad(
            vec![flag("--logs", &b.missing)],
            &[&missing, &"No such file"],
        ),
        bad(
            vec![flag("--logs", &b.binary)],
            &[&binary, &"expected a folder of scheme_{id}.txt logs"],
        ),
        bad(
            vec![flag("--logs", &b.folder)],
            &[&folder, &"no scheme_{id}.txt logs found"],
        ),
        bad(
            vec![unset("--logs")],
            &[&"needs epochs 1..2", &"give training logs or a dataset"],
        ),
        bad(
            vec![unset("--logs"), flag("--dataset", &malformed)],
            &[&malformed_line, &"expected 17 fields"],
        ),
    ];
    cases.extend(b.unreadable("--predictor", &[]));
    cases.extend(b.unreadable("--schemes", &[]));
    cases.extend(b.unreadable("--dataset", &[unset("--logs")]));
    assert_bad_inputs(&["predict"], &base, &out, &cases);
}
