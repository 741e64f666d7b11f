//! naap's ν-SVR against scikit-learn's `NuSVR` (libsvm's `Solver_NU`) on the
//! fits that dev/tools/nusvr_fixture.py recorded: the same solver steps give
//! the same predictions to rounding.

use naap_models::NuSvr;
use naap_models::Regressor;
use ndarray::{Array1, Array2};

fn matrix(v: &serde_json::Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

#[test]
fn nu_svr_matches_scikit_learn_nusvr() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/nusvr_sklearn.json"
    );
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let x = matrix(&fixture["x_train"]);
    let y: Vec<f64> = serde_json::from_value(fixture["y_train"].clone()).unwrap();
    let y = Array1::from(y);
    let q = matrix(&fixture["x_query"]);
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let c = case["c"].as_f64().unwrap();
        let nu = case["nu"].as_f64().unwrap();
        let gamma = case["gamma"].as_f64();
        let expected: Vec<f64> = serde_json::from_value(case["predictions"].clone()).unwrap();
        let model = NuSvr::new(c, nu, gamma).unwrap();
        let got = model
            .fit(x.view(), y.view(), 0)
            .unwrap()
            .predict(q.view())
            .unwrap();
        let worst = got
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            worst < 1e-9,
            "C={c} nu={nu} gamma={gamma:?}: max |diff| {worst}"
        );
        // The fit is not trivial: predictions vary across the query rows.
        let spread = expected.iter().fold(f64::NEG_INFINITY, |m, v| m.max(*v))
            - expected.iter().fold(f64::INFINITY, |m, v| m.min(*v));
        assert!(spread > 1e-3, "C={c} nu={nu}: flat fit");
    }
}

#[test]
fn nu_svr_rejects_parameters_outside_their_domain() {
    for (c, nu, gamma) in [
        (0.0, 0.5, None),
        (1.0, 0.0, None),
        (1.0, 1.5, None),
        (1.0, 0.5, Some(-1.0)),
    ] {
        assert!(
            NuSvr::new(c, nu, gamma).is_err(),
            "C={c} nu={nu} gamma={gamma:?}"
        );
    }
}
