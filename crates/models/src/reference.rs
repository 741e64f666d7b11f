//! Dumps data and predictions for the scikit-learn comparison in
//! `dev/tools/reference_models.py` (an ignored test, run on purpose):
//!
//! ```text
//! NAAP_REFERENCE_OUT=/tmp/ref cargo test --release -p naap-models --lib \
//!     reference -- --ignored
//! .venv/bin/python dev/tools/reference_models.py /tmp/ref
//! ```
//!
//! It reads the published `naap440.csv` with a minimal parser (the real
//! reader lives in `naap-dataset`), builds three feature sets on the
//! published split, standardizes them with the training mean and
//! population deviation (scikit-learn's `StandardScaler`), and writes
//! `<set>_train.csv`, `<set>_test.csv`, `rust_predictions.csv` and
//! `rust_timing.csv`. `NAAP_REFERENCE_SEEDS=n` uses seeds `0..n` (default
//! 5) and `NAAP_REFERENCE_MODELS=text` keeps only models whose name
//! contains `text`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use ndarray::{Array1, Array2, Axis};

use crate::extended_regressors;

/// Seeds `0..n` with `n` from `$NAAP_REFERENCE_SEEDS`, 5 (as the protocol) by default.
fn seeds() -> std::ops::Range<u64> {
    let n = std::env::var("NAAP_REFERENCE_SEEDS")
        .map_or(5, |v| v.parse().expect("NAAP_REFERENCE_SEEDS is a number"));
    0..n
}

/// Keeps models whose name contains `$NAAP_REFERENCE_MODELS` (all by default).
fn wanted(name: &str) -> bool {
    std::env::var("NAAP_REFERENCE_MODELS").map_or(true, |filter| name.contains(&filter))
}

fn shared_dir() -> PathBuf {
    naap_testdata::shared_dir()
}

/// Columns of one feature set: scheme features (params and MACs as logs)
/// plus the loss and accuracy columns of the first `epochs` epochs.
fn columns(header: &[&str], epochs: u32) -> Vec<(usize, bool)> {
    let mut names: Vec<(String, bool)> = vec![
        ("NumParams".into(), true),
        ("NumMACs".into(), true),
        ("NumLayers".into(), false),
        ("NumStages".into(), false),
        ("FirstLayerWidth".into(), false),
        ("LastLayerWidth".into(), false),
    ];
    for e in 1..=epochs {
        for kind in ["LossMean", "LossMedian", "Accuracy"] {
            names.push((format!("e{e}{kind}"), false));
        }
    }
    names
        .into_iter()
        .map(|(n, log)| {
            (
                header.iter().position(|h| *h == n).expect("column exists"),
                log,
            )
        })
        .collect()
}

fn write_csv(path: &std::path::Path, x: &Array2<f64>, y: &Array1<f64>) {
    let mut out = String::new();
    let cols: Vec<String> = (0..x.ncols()).map(|j| format!("f{j}")).collect();
    writeln!(out, "{},y", cols.join(",")).unwrap();
    for (row, t) in x.rows().into_iter().zip(y) {
        let vals: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        writeln!(out, "{},{t:?}", vals.join(",")).unwrap();
    }
    std::fs::write(path, out).unwrap();
}

#[test]
#[ignore = "writes files for dev/tools/reference_models.py; needs NAAP_REFERENCE_OUT"]
fn dump_reference_predictions() {
    let out =
        PathBuf::from(std::env::var_os("NAAP_REFERENCE_OUT").expect("set NAAP_REFERENCE_OUT"));
    std::fs::create_dir_all(&out).unwrap();
    let text = std::fs::read_to_string(shared_dir().join("naap440/naap440.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let records: Vec<Vec<f64>> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect();
    let is_test = header.iter().position(|h| *h == "IsTest").unwrap();
    let target = header.iter().position(|h| *h == "MaxAccuracy").unwrap();
    let mut preds = String::from("set,model,seed,row,prediction\n");
    let mut timing = String::from("set,model,fit_predict_secs\n");
    for (set, epochs) in [("scheme", 0), ("e3", 3), ("e10", 10)] {
        let cols = columns(&header, epochs);
        let build = |test: bool| {
            let rows: Vec<&Vec<f64>> = records
                .iter()
                .filter(|r| (r[is_test] == 1.0) == test)
                .collect();
            let x = Array2::from_shape_fn((rows.len(), cols.len()), |(i, j)| {
                let (c, log) = cols[j];
                if log {
                    rows[i][c].ln()
                } else {
                    rows[i][c]
                }
            });
            let y = Array1::from_iter(rows.iter().map(|r| r[target]));
            (x, y)
        };
        let (mut x_train, y_train) = build(false);
        let (mut x_test, y_test) = build(true);
        let mean = x_train.mean_axis(Axis(0)).unwrap();
        let std = x_train
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s == 0.0 { 1.0 } else { s });
        for x in [&mut x_train, &mut x_test] {
            *x -= &mean;
            *x /= &std;
        }
        write_csv(&out.join(format!("{set}_train.csv")), &x_train, &y_train);
        write_csv(&out.join(format!("{set}_test.csv")), &x_test, &y_test);
        for model in extended_regressors()
            .into_iter()
            .filter(|m| wanted(m.name()))
        {
            let start = Instant::now();
            for seed in seeds() {
                let fitted = model.fit(x_train.view(), y_train.view(), seed).unwrap();
                let p = fitted.predict(x_test.view()).unwrap();
                for (row, v) in p.iter().enumerate() {
                    writeln!(preds, "{set},{},{seed},{row},{v:?}", model.name()).unwrap();
                }
            }
            writeln!(
                timing,
                "{set},{},{}",
                model.name(),
                start.elapsed().as_secs_f64()
            )
            .unwrap();
        }
    }
    std::fs::write(out.join("rust_predictions.csv"), preds).unwrap();
    std::fs::write(out.join("rust_timing.csv"), timing).unwrap();
}
