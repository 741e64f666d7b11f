//! Sizes taken from flags are bounded before anything is allocated: epochs
//! beyond any training, repeats without end and ids past the file are
//! refused with exit 2 and a message; a very deep space is generated
//! without recursion.

use crate::util::{
    assert_bad_inputs, bad, dataset_fixture, fit_small_predictor, fixture_dataset, flag, naap, run,
    shared_naap440,
};

#[test]
fn sizes_from_flags_are_checked_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let huge = "Scheme + Quantitative 4294967295 epochs";
    let fit_base = [
        flag("--dataset", fixture_dataset("v1")),
        flag("--model", "1-NN"),
        flag("--feature-set", "Scheme"),
        flag("-o", &out),
    ];
    let at_most = "at most 10000";
    let fit_cases = vec![
        bad(vec![flag("--feature-set", huge)], &[&huge, &at_most]),
        bad(
            vec![flag(
                "--feature-set",
                "Scheme + Quantitative 10000000 epochs",
            )],
            &[&"10000000 epochs", &at_most],
        ),
        bad(
            vec![flag("--feature-set", "Scheme8+Quant.4294967295")],
            &[&at_most],
        ),
        // Under the cap, the dataset decides: the fixture has 2 epochs.
        bad(
            vec![flag("--feature-set", "Scheme + Quantitative 3 epochs")],
            &[&"epoch 3 needed, but only 2 epochs are known"],
        ),
    ];
    assert_bad_inputs(&["fit"], &fit_base, &out, &fit_cases);

    let nas_base = [
        flag("--dataset", shared_naap440("naap440.csv")),
        flag("--repeats", "2"),
        flag("--no-figures", ""),
        flag("--quiet", ""),
        flag("-o", &out),
    ];
    let nas_cases = vec![
        bad(
            vec![flag("--k-epochs", "4294967295")],
            &[&"4294967295 epochs", &at_most],
        ),
        bad(vec![flag("--features", huge)], &[&huge, &at_most]),
        bad(
            vec![flag("--repeats", "4294967295")],
            &[&"repeats must be at most 100000"],
        ),
        bad(
            vec![flag("--repeats", "100000000")],
            &[&"repeats must be at most 100000"],
        ),
        bad(vec![flag("--k-epochs", "95")], &[&"the curves have 90"]),
        // config.toml holds signed 64-bit integers: refused before the work,
        // not when the finished run writes its config.
        bad(
            vec![flag("--seed", "18446744073709551615")],
            &[&"is not in 0..=9223372036854775807"],
        ),
    ];
    assert_bad_inputs(&["nas", "simulate"], &nas_base, &out, &nas_cases);

    let predictor = dir.path().join("p.json");
    fit_small_predictor(&predictor);
    let predict_base = [
        flag("--predictor", &predictor),
        flag("--schemes", dataset_fixture("schemes.json")),
        flag("-o", &out),
    ];
    let predict_cases = vec![bad(
        vec![flag("--ids", "1-4000000000")],
        &[&"scheme 4000000000 is not in", &"(5 schemes)"],
    )];
    assert_bad_inputs(&["predict"], &predict_base, &out, &predict_cases);

    let build_base = [
        flag("--schemes", dataset_fixture("schemes.json")),
        flag("-o", &out),
        crate::util::positional(dataset_fixture("logs")),
    ];
    let build_cases = vec![bad(
        vec![flag("--test-bins", "18446744073709551615")],
        &[&"5 logs are too few for 18446744073709551615 test bins"],
    )];
    assert_bad_inputs(&["dataset", "build"], &build_base, &out, &build_cases);

    let select_base = [
        flag("--dataset", fixture_dataset("v2")),
        flag("--models", "1-NN"),
        flag("--modes", "interpolation"),
        flag("-o", &out),
    ];
    let select_cases = vec![bad(
        vec![flag("--epochs", "4294967295")],
        &[&"--epochs 4294967295", &at_most],
    )];
    assert_bad_inputs(&["select-features"], &select_base, &out, &select_cases);
}

#[test]
fn a_space_of_fifty_thousand_layers_is_generated_without_recursion() {
    let dir = tempfile::tempdir().unwrap();
    let layer = "[[layers]]\nkernel_sizes = [1]\nwidths = [4]\nstrides = [1]\nresidual = [false]\n";
    let space = dir.path().join("deep.toml");
    std::fs::write(
        &space,
        format!(
            "max_stride2_layers = 0\nmin_depth = 50000\n{}",
            layer.repeat(50_000)
        ),
    )
    .unwrap();
    let out = dir.path().join("deep.json");
    let res = run(naap()
        .args(["space", "generate", "--space"])
        .arg(&space)
        .arg("-o")
        .arg(&out));
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let schemes = naap_space::read_schemes(&out).unwrap();
    assert_eq!(schemes.len(), 1);
    assert_eq!(schemes[0].layers.len(), 50_000);
}
