//! `naap dataset build` and `naap dataset check`.

use crate::util::{assert_rejected, naap, run, shared_naap440};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture_logs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dataset/logs")
}

/// A temporary folder holding a copy of the three fixture logs.
fn copied_logs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(fixture_logs()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `naap dataset build RAW -o OUT extra...` in a fresh folder.
fn build(raw: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    run(naap()
        .args(["dataset", "build"])
        .arg(raw)
        .arg("-o")
        .arg(out)
        .args(extra))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn published_logs_rebuild_both_csvs_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let raw = shared_naap440("raw_data.tar.gz");
    for (format, name) in [("v1", "naap440.csv"), ("v2", "naap440v2.csv")] {
        let out = dir.path().join(name);
        let res = build(&raw, &out, &["--format", format]);
        assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
        let published = fs::read(shared_naap440(name)).unwrap();
        assert!(fs::read(&out).unwrap() == published, "{name} differs");
    }
    // LF output is the same text with LF line ends.
    let out = dir.path().join("lf.csv");
    let res = build(&raw, &out, &["--line-ending", "lf"]);
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let published = fs::read_to_string(shared_naap440("naap440.csv")).unwrap();
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        published.replace("\r\n", "\n")
    );
}

#[test]
fn fixture_logs_build_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let res = build(
        &fixture_logs(),
        &out,
        &["--test-bins", "1", "--format", "v2"],
    );
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let text = fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 5, "header, 3 rows, final empty: {text}");
    assert!(lines[0].ends_with("NumPartialRFLayers,MaxAccuracy,e1LossMean,e1LossMedian,e1Accuracy,e2LossMean,e2LossMedian,e2Accuracy"));
    // Scheme 2: losses 1.66765 rounds to 1.6677 (4 decimals); max accuracy 0.5.
    assert_eq!(
        lines[2],
        "2,1,3302,273760,4,2,12,32,0,0,0.5,1.68,1.6677,0.4,1.38,1.3677,0.5"
    );

    let check = run(naap().args(["dataset", "check"]).arg(&out));
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let summary = String::from_utf8(check.stdout).unwrap();
    assert!(
        summary.contains("format v2, 3 rows, 2 epochs, 2 train rows, 1 test rows"),
        "{summary}"
    );

    // An existing output is kept without --force, replaced with it.
    let again = build(&fixture_logs(), &out, &["--test-bins", "1"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    assert_eq!(fs::read_to_string(&out).unwrap(), text);
    let forced = build(&fixture_logs(), &out, &["--test-bins", "1", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(!fs::read_to_string(&out)
        .unwrap()
        .contains("NumSkipConnections"));
}

#[test]
fn first_n_epochs_build_a_partial_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e1.csv");
    let res = build(
        &fixture_logs(),
        &out,
        &["--test-bins", "1", "--epochs", "1"],
    );
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("ModelId,IsTest,NumParams,NumMACs,NumLayers,NumStages,FirstLayerWidth,LastLayerWidth,MaxAccuracy,e1LossMean,e1LossMedian,e1Accuracy\r\n"));
    // MaxAccuracy is over epoch 1 only.
    assert!(
        text.contains("\r\n2,1,3302,273760,4,2,12,32,0.4,1.68,1.6677,0.4\r\n"),
        "{text}"
    );
}

#[test]
fn truncated_log_fails_with_file_and_line_and_writes_nothing() {
    let logs = copied_logs();
    let log = logs.path().join("scheme_2.txt");
    let text = fs::read_to_string(&log).unwrap();
    // Keep the header and epoch 1 (8 lines).
    let cut: String = text.split_inclusive("\r\n").take(8).collect();
    fs::write(&log, cut).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let res = build(logs.path(), &out, &["--test-bins", "1"]);
    assert_rejected(
        &res,
        "scheme_2.txt:8: the log ends after epoch 1 of the 2 asked",
        Some(&out),
    );

    // Asking for more epochs than any log has is the same error.
    let res = build(
        &fixture_logs(),
        &out,
        &["--test-bins", "1", "--epochs", "3"],
    );
    assert_rejected(
        &res,
        "scheme_1.txt:11: the log ends after epoch 2 of the 3 asked",
        Some(&out),
    );

    // --skip-incomplete builds from the others and lists the skipped log.
    let res = build(
        logs.path(),
        &out,
        &["--test-bins", "1", "--skip-incomplete"],
    );
    assert_eq!(res.status.code(), Some(3), "{}", stderr(&res));
    assert!(stderr(&res).contains("skipped "), "{}", stderr(&res));
    assert!(stderr(&res).contains("scheme_2.txt:8"));
    let built = fs::read_to_string(&out).unwrap();
    assert_eq!(built.lines().count(), 3);
    assert!(!built.contains("\r\n2,"));
}

#[test]
fn log_cut_mid_line_counts_as_incomplete() {
    let logs = copied_logs();
    let log = logs.path().join("scheme_3.txt");
    let text = fs::read_to_string(&log).unwrap();
    fs::write(&log, &text[..text.len() - 4]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let res = build(logs.path(), &out, &["--test-bins", "1"]);
    assert_rejected(
        &res,
        "scheme_3.txt:11: the last line has no line ending",
        Some(&out),
    );
    let res = build(
        logs.path(),
        &out,
        &["--test-bins", "1", "--skip-incomplete"],
    );
    assert_eq!(res.status.code(), Some(3), "{}", stderr(&res));
}

#[test]
fn garbled_line_fails_with_file_and_line_even_when_skipping() {
    let logs = copied_logs();
    edit(
        &logs.path().join("scheme_3.txt"),
        "Loss mean, median: 1.37",
        "Loss mean median: 1.37",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    for extra in [
        &["--test-bins", "1"][..],
        &["--test-bins", "1", "--skip-incomplete"],
    ] {
        let res = build(logs.path(), &out, extra);
        assert_rejected(
            &res,
            "scheme_3.txt:10: unrecognised log message 'Loss mean median",
            Some(&out),
        );
    }
}

#[test]
fn params_not_matching_the_scheme_fail_with_file_and_line() {
    let logs = copied_logs();
    edit(
        &logs.path().join("scheme_1.txt"),
        "#params: 2566",
        "#params: 2567",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let res = build(logs.path(), &out, &["--test-bins", "1"]);
    assert_rejected(
        &res,
        "scheme_1.txt:3: #params 2567 and #MACs 231600 do not match the scheme on line 1, which has 2566 params",
        Some(&out),
    );
}

#[test]
fn check_rejects_a_broken_csv_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let res = build(&fixture_logs(), &out, &["--test-bins", "1"]);
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    edit(&out, ",0.5,1.68,", ",0.5,abc,");
    let check = run(naap().args(["dataset", "check"]).arg(&out));
    assert_rejected(
        &check,
        "d.csv:3: column e1LossMean: expected a number, got 'abc'",
        None,
    );
}

#[test]
fn check_defaults_to_the_published_csv_in_the_data_folder() {
    let data = shared_naap440("naap440.csv")
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .to_path_buf();
    let check = run(naap()
        .args(["dataset", "check"])
        .env("NAAP_DATA_DIR", &data));
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let summary = String::from_utf8(check.stdout).unwrap();
    assert!(
        summary.contains("format v1, 440 rows, 90 epochs, 400 train rows, 40 test rows"),
        "{summary}"
    );
}

#[test]
fn missing_log_source_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let res = build(&dir.path().join("nope"), &out, &[]);
    assert_rejected(&res, "nope", None);
    let res = build(dir.path(), &out, &[]);
    assert_rejected(&res, "no scheme_{id}.txt logs", None);
}
