//! Models that need more rows than the first online batch gives (9-NN,
//! 7-NN, LcSVR after 5 schemes) rank by the epoch-k accuracy until they can
//! be fitted, instead of failing the study; one that could never be fitted
//! before the search ends is refused up front.

use crate::util::{naap, run, shared_naap440};

#[test]
fn online_search_fits_its_model_once_it_has_enough_rows() {
    let dir = tempfile::tempdir().unwrap();
    // (model, extra flags, exit code, words in stderr)
    let cases: [(&str, &[&str], i32, &str); 5] = [
        ("9-NN", &[], 0, ""),
        ("7-NN", &[], 0, ""),
        ("LcSVR", &["--pool", "60"], 0, ""),
        ("9-NN", &["--top-m", "9"], 2, "9-NN needs 9 trained schemes"),
        ("9-NN", &["--top-m", "9", "--known", "fold"], 0, ""),
    ];
    let mut failures = Vec::new();
    for (i, (model, extra, code, words)) in cases.into_iter().enumerate() {
        let out = dir.path().join(format!("run{i}"));
        let res = run(naap()
            .args([
                "nas",
                "simulate",
                "--quiet",
                "--no-figures",
                "--repeats",
                "2",
            ])
            .args(["--strategy", "predictor,zero-shot", "--model", model])
            .args(extra)
            .arg("--dataset")
            .arg(shared_naap440("naap440.csv"))
            .arg("-o")
            .arg(&out));
        let err = String::from_utf8_lossy(&res.stderr);
        if res.status.code() != Some(code) || !err.contains(words) {
            failures.push(format!(
                "{model} {extra:?}: exit {:?}, want {code}: {err}",
                res.status.code()
            ));
            continue;
        }
        if code == 0 && !extra.contains(&"fold") {
            let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
            for label in ["predictor-online", "zero-shot-online"] {
                if !csv.contains(label) {
                    failures.push(format!("{model}: no {label} searches in results.csv"));
                }
            }
        }
        if code != 0 && out.exists() {
            failures.push(format!(
                "{model} {extra:?}: a refused run left {}",
                out.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
