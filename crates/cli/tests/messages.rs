//! Messages say what is wrong in the user's words: a predictor file's
//! version is a number, not `Some(0)`; the target and the id are not
//! features, rather than columns "missing from the dataset".

use crate::util::{
    assert_bad_inputs, bad, dataset_fixture, fit_small_predictor, fixture_dataset, flag, naap, run,
    BadFiles,
};

#[test]
fn messages_name_the_fault_in_plain_words() {
    let b = BadFiles::new();
    let out = b.out("p.json");
    let fit_base = [
        flag("--dataset", fixture_dataset("v1")),
        flag("--model", "1-NN"),
        flag("--features", "NumParams"),
        flag("-o", &out),
    ];
    let not_feature = "cannot be a feature";
    let fit_cases = vec![
        bad(
            vec![flag("--features", "NumParams,MaxAccuracy")],
            &[
                &"MaxAccuracy is the target the predictor learns",
                &not_feature,
            ],
        ),
        bad(
            vec![flag("--features", "ModelId")],
            &[&"ModelId is the scheme's id", &not_feature],
        ),
        bad(
            vec![flag("--features", "IsTest")],
            &[&"IsTest is the mark of the test split", &not_feature],
        ),
    ];
    assert_bad_inputs(&["fit"], &fit_base, &out, &fit_cases);

    let predictor = b.file("good.json", "");
    fit_small_predictor(&predictor);
    let text = std::fs::read_to_string(&predictor).unwrap();
    assert!(text.contains("\"format_version\":1"), "{text}");
    let version0 = b.file(
        "v0.json",
        text.replace("\"format_version\":1", "\"format_version\":0"),
    );
    let no_version = b.file("none.json", text.replace("\"format_version\":1,", ""));
    let out = b.out("pred.csv");
    let predict_base = [
        flag("--predictor", &predictor),
        flag("--schemes", dataset_fixture("schemes.json")),
        flag("-o", &out),
    ];
    let predict_cases = vec![
        bad(
            vec![flag("--predictor", &version0)],
            &[&"format version 0, expected 1"],
        ),
        bad(
            vec![flag("--predictor", &no_version)],
            &[&"\"format_version\" is missing, expected 1"],
        ),
    ];
    assert_bad_inputs(&["predict"], &predict_base, &out, &predict_cases);
    for (_, v) in [&predict_cases[0].args[0], &predict_cases[1].args[0]] {
        let res = run(naap()
            .arg("predict")
            .arg("--predictor")
            .arg(v.as_ref().unwrap())
            .arg("--schemes")
            .arg(dataset_fixture("schemes.json"))
            .arg("-o")
            .arg(&out));
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(!err.contains("Some(") && !err.contains("None"), "{err}");
    }
}
