//! Nothing given is silently ignored or doubled: a protocol listed twice,
//! --features beside --from-selection, and features the dataset lacks are
//! refused with exit 2 before a run folder is claimed (none is left); a
//! flag only some strategies read does not fail the others.

use crate::util::{
    assert_bad_inputs, bad, fixture_dataset, flag, naap, run, shared_naap440, switch,
};
use std::path::Path;

fn fit(args: &[&str], dataset: &Path, out: &Path) {
    let res = run(naap()
        .arg("fit")
        .args(args)
        .arg("--dataset")
        .arg(dataset)
        .arg("-o")
        .arg(out));
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

#[test]
fn doubled_conflicting_or_unreadable_settings_are_refused_before_the_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A predictor of v2 scheme features, and one of a joined proxy column.
    let v2 = dir.path().join("v2.json");
    fit(
        &["--model", "1-NN", "--feature-set", "Scheme8"],
        &fixture_dataset("v2"),
        &v2,
    );
    let extra = dir.path().join("extra.csv");
    std::fs::write(&extra, "ModelId,proxy\n1,1\n2,2\n3,3\n4,4\n5,5\n").unwrap();
    let joined = dir.path().join("joined.csv");
    let res = run(naap()
        .args(["dataset", "join"])
        .arg(fixture_dataset("v1"))
        .arg(&extra)
        .arg("-o")
        .arg(&joined));
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let proxy = dir.path().join("proxy.json");
    fit(
        &["--model", "1-NN", "--features", "NumParams,proxy"],
        &joined,
        &proxy,
    );

    let base = [
        flag("--dataset", shared_naap440("naap440.csv")),
        flag("--repeats", "2"),
        switch("--no-figures"),
        switch("--quiet"),
        flag("-o", &out),
    ];
    let cannot = "which the dataset cannot give";
    let cases = vec![
        bad(
            vec![
                flag("--strategy", "predictor"),
                flag("--known", "fold,fold"),
            ],
            &[&"known protocol 'fold' is given twice"],
        ),
        bad(
            vec![
                flag("--strategy", "zero-shot"),
                flag("--known", "online,fold,online"),
            ],
            &[&"known protocol 'online' is given twice"],
        ),
        bad(
            vec![
                flag("--strategy", "zero-shot"),
                flag("--zero-shot-features", "Scheme8"),
            ],
            &[&"strategy 'zero-shot' reads NumSkipConnections", &cannot],
        ),
        bad(
            vec![
                flag("--strategy", "predictor"),
                flag("--features", "Scheme8+Quant.3"),
            ],
            &[&"strategy 'predictor' reads", &cannot],
        ),
        bad(
            vec![flag("--strategy", "predictor"), flag("--predictor", &v2)],
            &[&"the predictor file reads NumSkipConnections", &cannot],
        ),
        bad(
            vec![flag("--strategy", "zero-shot"), flag("--predictor", &proxy)],
            &[&"the predictor file reads proxy", &cannot],
        ),
    ];
    assert_bad_inputs(&["nas", "simulate"], &base, &out, &cases);

    let fit_base = [
        flag("--dataset", fixture_dataset("v1")),
        flag("--model", "1-NN"),
        flag("--feature-set", "Scheme"),
        flag("-o", &out),
    ];
    let fit_cases = vec![bad(
        vec![
            flag("--from-selection", dir.path()),
            flag("--mode", "interpolation"),
            flag("--features", "NumParams"),
        ],
        &[&"--from-selection", &"cannot be used with", &"--features"],
    )];
    assert_bad_inputs(&["fit"], &fit_base, &out, &fit_cases);
}

#[test]
fn a_flag_read_only_by_strategies_that_do_not_run_fails_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for strategy in ["random", "predictor", "exhaustive"] {
        let res = run(naap()
            .args([
                "nas",
                "simulate",
                "--quiet",
                "--no-figures",
                "--repeats",
                "2",
            ])
            .args(["--max-epochs", "60", "--strategy", strategy, "--dataset"])
            .arg(shared_naap440("naap440.csv"))
            .arg("-o")
            .arg(dir.path().join(strategy)));
        assert_eq!(
            res.status.code(),
            Some(0),
            "{strategy}: {}",
            String::from_utf8_lossy(&res.stderr)
        );
    }
}
