//! The predictor against the experiments: saved and loaded predictors
//! predict bit for bit what the fitted ones did, and a predictor fitted on
//! the published train rows predicts the test rows as `naap baseline` does.

use super::*;
use crate::features::tests::row;
use crate::models::{all_regressors, extended_regressors, RegressorSpec};
use crate::protocol::PAPER_SEEDS;
use naap_dataset::Format;

/// 60 synthetic rows with 3 epochs, every tenth a test row.
fn synthetic() -> Dataset {
    let rows = (1..=60u32)
        .map(|id| {
            let acc = 0.4 + 0.5 * f64::from((id * 37) % 61) / 61.0;
            row(id, id % 10 == 0, acc, 3)
        })
        .collect();
    Dataset {
        format: Format::V1,
        rows,
    }
}

#[test]
fn every_registry_model_saves_and_loads_bit_exactly() {
    let d = synthetic();
    let set = FeatureSet::scheme_quantitative(3);
    // Training rows, and a candidate far outside them.
    let mut candidates: Vec<Architecture> = d.rows.iter().map(|r| r.architecture.clone()).collect();
    let mut far = candidates[3].clone();
    far.scheme.num_params *= 50;
    far.scheme.num_layers = 9;
    far.epochs[2].accuracy = 0.99;
    candidates.push(far);
    // Every model a name selects, LcSVR, the plain ν-SVR and the ranking models included.
    let specs = all_regressors();
    assert_eq!(specs.len(), 32);
    for spec in &specs {
        let fitted = Predictor::fit_published_train(&d, &**spec, &set, 7).unwrap();
        let before = fitted.predict(&candidates).unwrap();
        let text = fitted.to_json().unwrap();
        let loaded = Predictor::from_json(&text).unwrap();
        let after = loaded.predict(&candidates).unwrap();
        // Bit for bit, not approximately (NaN-free: finite predictions).
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert!(before.iter().all(|p| p.is_finite()), "{}", spec.name());
        assert_eq!(bits(&before), bits(&after), "{}", spec.name());
        // Saving the loaded predictor writes the same file.
        assert_eq!(loaded.to_json().unwrap(), text, "{}", spec.name());
        assert_eq!(loaded.model().name, spec.name());
        assert_eq!(loaded.training().rows, 54);
        assert_eq!(loaded.training().seed, 7);
        // LcSVR is saved as itself: its search's draws and the chosen one.
        if let crate::models::FittedModel::LcSvr(m) = loaded.fitted() {
            assert_eq!(spec.name(), "LcSVR");
            assert_eq!(m.draws().len(), 24);
            assert!(m.draws().iter().all(|d| d.cv_mae >= m.choice().cv_mae));
            assert!(text.contains("\"lc_svr\""), "{text}");
        } else {
            assert_ne!(spec.name(), "LcSVR");
        }
    }
}

#[test]
fn a_predictor_predicts_as_the_model_fitted_by_the_protocol() {
    // The same numbers as fitting the registry model on `Prepared` by hand.
    let d = synthetic();
    let set = FeatureSet::scheme_quantitative(2);
    let spec = "Gradient Boosting (N=25)"
        .parse::<RegressorSpec>()
        .unwrap()
        .build();
    let p = Predictor::fit_published_train(&d, &*spec, &set, 3).unwrap();
    let data = crate::protocol::TrainTest::published(&d, &set).unwrap();
    let direct = spec
        .fit(data.x_train.view(), data.y_train.view(), 3)
        .unwrap()
        .predict(data.x_test.view())
        .unwrap();
    let rows = sorted_rows(&d);
    let (_, test) = published_split(&rows);
    let (predictions, scores) = p.score(&test).unwrap();
    assert_eq!(predictions, direct);
    assert_eq!(scores.max_violations, 15);
}

#[test]
fn bad_files_are_refused_with_what_is_wrong() {
    let d = synthetic();
    let spec = "3-NN".parse::<RegressorSpec>().unwrap().build();
    let text = Predictor::fit(&d, &*spec, &FeatureSet::scheme(), 1)
        .unwrap()
        .to_json()
        .unwrap();
    let err = |t: &str| Predictor::from_json(t).unwrap_err().to_string();
    assert!(err(&text[..text.len() / 2]).contains("invalid JSON"));
    assert!(err("{\"format\":\"csv\"}").contains("not a predictor file"));
    let future = text.replace("\"format_version\":1", "\"format_version\":2");
    assert!(
        err(&future).contains("version 2 is newer"),
        "{}",
        err(&future)
    );
    // An edited number: the checksum no longer matches.
    let at = text.find("\"mean\":[").unwrap() + 8;
    let mut edited = text.clone();
    edited.insert(at, '1');
    assert!(err(&edited).contains("checksum"), "{}", err(&edited));
    let unknown = text.replace("\"seed\":1", "\"seed\":1,\"extra\":0");
    assert!(err(&unknown).contains("unknown field"), "{}", err(&unknown));
    let renamed = text.replace("\"NumStages\"", "\"e0Accuracy\"");
    assert!(
        err(&renamed).contains("bad epoch column 'e0Accuracy'"),
        "{}",
        err(&renamed)
    );
}

#[test]
fn missing_epochs_and_features_name_the_candidate() {
    let d = synthetic();
    let spec = "Linear Regression"
        .parse::<RegressorSpec>()
        .unwrap()
        .build();
    let p = Predictor::fit(&d, &*spec, &FeatureSet::scheme_quantitative(3), 1).unwrap();
    assert_eq!(p.epochs_needed(), 3);
    let short = d.rows[0]
        .untrained()
        .with_epochs(d.rows[0].epochs[..2].to_vec());
    let ok = d.rows[1].architecture.clone();
    let e = p.predict(&[ok.clone(), short]).unwrap_err().to_string();
    assert!(e.contains("candidate 2") && e.contains("epoch 3"), "{e}");
    // A longer curve is cut at the epochs the predictor needs.
    let mut longer = ok.clone();
    longer.epochs.push(longer.epochs[2]);
    assert_eq!(p.predict(&[ok]).unwrap(), p.predict(&[longer]).unwrap());
    let v2 = Predictor::fit(&d, &*spec, &FeatureSet::all_scheme(Format::V2, 0), 1).unwrap_err();
    assert!(v2.to_string().contains("NumSkipConnections"), "{v2}");
}

fn shared(name: &str) -> std::path::PathBuf {
    naap_testdata::naap440(name)
}

#[test]
fn hold_out_predictions_from_logs_equal_the_baseline_for_every_model() {
    let d = Dataset::read(&shared("naap440.csv")).unwrap();
    let k = 3;
    let set = FeatureSet::scheme_quantitative(k);
    let seed = PAPER_SEEDS[1];
    // The 40 test schemes from their own logs, cut after epoch k.
    let rows = sorted_rows(&d);
    let (_, test) = published_split(&rows);
    let logs = naap_dataset::read_logs(&shared("raw_data.tar.gz")).unwrap();
    let candidates: Vec<Architecture> = test
        .iter()
        .map(|r| {
            let file = logs.iter().find(|l| l.model_id == r.id).unwrap();
            let log = naap_dataset::TrainingLog::parse(&file.bytes, &file.path).unwrap();
            let mut c = Architecture::new(r.id, r.scheme).with_log(&log);
            c.epochs.truncate(k as usize);
            c
        })
        .collect();
    let specs = extended_regressors();
    let baseline =
        crate::baseline::run(&d, &specs, std::slice::from_ref(&set), &[seed], &|| {}).unwrap();
    assert!(baseline.failures.is_empty());
    assert_eq!(baseline.cells.len(), 28);
    for (spec, cell) in specs.iter().zip(&baseline.cells) {
        let p = Predictor::fit_published_train(&d, &**spec, &set, seed).unwrap();
        let loaded = Predictor::from_json(&p.to_json().unwrap()).unwrap();
        let predicted = loaded.predict(&candidates).unwrap();
        assert_eq!(
            predicted,
            cell.evaluation.per_seed[0].predictions,
            "{}",
            spec.name()
        );
    }
}

#[test]
fn predict_raw_on_raw_columns_equals_predict_on_the_rows() {
    let d = synthetic();
    let set = FeatureSet::scheme_quantitative(3);
    let spec: RegressorSpec = "SVR (RBF kernel)".parse().unwrap();
    let p = Predictor::fit(&d, &*spec.build(), &set, 3).unwrap();
    let raw = set.raw_matrix_of(&d.rows, |i| format!("row {i}")).unwrap();
    // Raw units: counts, not their logs.
    assert_eq!(raw[[0, 0]], d.rows[0].scheme.num_params as f64);
    assert_eq!(
        p.predict_raw(raw.view()).unwrap(),
        p.predict(&d.rows).unwrap()
    );
    let narrow = ndarray::Array2::<f64>::ones((2, 3));
    assert!(p.predict_raw(narrow.view()).is_err());
    let mut zero = raw.clone();
    zero[[1, 0]] = 0.0;
    let err = p.predict_raw(zero.view()).unwrap_err().to_string();
    assert!(
        err.contains("row 2, column 1") && err.contains("positive count"),
        "{err}"
    );
}
