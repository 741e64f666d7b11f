//! naap's ranking metrics against scipy and scikit-learn on recorded cases
//! (`dev/tools/ranking_metrics_fixture.py`), ties included; precision@k on a
//! hand-worked case.

use naap_predict::metrics::{kendall_tau_b, ndcg_at_k, pearson_r, precision_at_k, spearman_rho};
use serde_json::Value;

fn close(name: &str, case: usize, got: Option<f64>, want: &Value) {
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() < 1e-12,
            "case {case}: {name} {g} but the reference says {w}"
        ),
        (g, w) => panic!("case {case}: {name} {g:?} but the reference says {w:?}"),
    }
}

#[test]
fn correlations_and_ndcg_equal_scipy_and_sklearn_ties_included() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ranking_metrics.json"
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    let mut tied = 0;
    for (i, c) in cases.iter().enumerate() {
        let vec = |k: &str| -> Vec<f64> {
            c[k].as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        let (truth, pred) = (vec("truth"), vec("pred"));
        let has_ties = |v: &[f64]| {
            let mut s = v.to_vec();
            s.sort_by(f64::total_cmp);
            s.windows(2).any(|w| w[0] == w[1])
        };
        tied += usize::from(has_ties(&truth) || has_ties(&pred));
        close(
            "pearson",
            i,
            pearson_r(&truth, &pred).unwrap(),
            &c["pearson"],
        );
        close(
            "spearman",
            i,
            spearman_rho(&truth, &pred).unwrap(),
            &c["spearman"],
        );
        close(
            "kendall tau-b",
            i,
            kendall_tau_b(&truth, &pred).unwrap(),
            &c["kendall_tau_b"],
        );
        close(
            "ndcg@10",
            i,
            Some(ndcg_at_k(&truth, &pred, 10).unwrap()),
            &c["ndcg_at_10"],
        );
    }
    assert!(tied >= 4, "only {tied} cases with ties");
}

#[test]
fn precision_at_k_counts_the_true_top_among_the_predicted_top() {
    // True order: d (0.9), b (0.8), e (0.7), a (0.6), c (0.5).
    let truth = [0.6, 0.8, 0.5, 0.9, 0.7];
    // Predicted order: b, a, d, c, e.
    let pred = [0.85, 0.9, 0.6, 0.8, 0.5];
    // Top 1: {b} vs {d}: 0. Top 2: {b, a} vs {d, b}: 1/2. Top 3: {b, a, d} vs {d, b, e}: 2/3.
    assert_eq!(precision_at_k(&truth, &pred, 1).unwrap(), 0.0);
    assert_eq!(precision_at_k(&truth, &pred, 2).unwrap(), 0.5);
    assert_eq!(precision_at_k(&truth, &pred, 3).unwrap(), 2.0 / 3.0);
    // k past the rows is every row: 1.
    assert_eq!(precision_at_k(&truth, &pred, 10).unwrap(), 1.0);
    // A tie at the cut goes to the lower index: predicted top 1 of [0.7, 0.7, 0.1] is row 0.
    assert_eq!(
        precision_at_k(&[0.9, 0.5, 0.1], &[0.7, 0.7, 0.1], 1).unwrap(),
        1.0
    );
    assert_eq!(
        precision_at_k(&[0.5, 0.9, 0.1], &[0.7, 0.7, 0.1], 1).unwrap(),
        0.0
    );
}
