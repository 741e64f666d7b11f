//! `naap dataset build` and `naap dataset check`.

use crate::util::{assert_rejected, naap, run, shared_naap440};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture_logs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dataset/logs")
}

/// The first five schemes of the NAAP-440 space: what the fixture logs hold.
fn fixture_schemes() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dataset/schemes.json")
}

/// A temporary folder holding a copy of the five fixture logs.
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

/// [`build`] against the fixture schemes list.
fn build_fixture(raw: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let schemes = fixture_schemes();
    let mut args = vec!["--schemes", schemes.to_str().unwrap()];
    args.extend_from_slice(extra);
    build(raw, out, &args)
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
    let res = build_fixture(
        &fixture_logs(),
        &out,
        &["--test-bins", "2", "--format", "v2"],
    );
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let text = fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 7, "header, 5 rows, final empty: {text}");
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
        summary.contains("format v2, 5 rows, 2 epochs, 3 train rows, 2 test rows"),
        "{summary}"
    );

    // An existing output is kept without --force, replaced with it.
    let again = build_fixture(&fixture_logs(), &out, &["--test-bins", "2"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    assert_eq!(fs::read_to_string(&out).unwrap(), text);
    let forced = build_fixture(&fixture_logs(), &out, &["--test-bins", "2", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(!fs::read_to_string(&out)
        .unwrap()
        .contains("NumSkipConnections"));
}

#[test]
fn first_n_epochs_build_a_partial_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e1.csv");
    let res = build_fixture(
        &fixture_logs(),
        &out,
        &["--test-bins", "2", "--epochs", "1"],
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
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "scheme_2.txt:8: the log ends after epoch 1 of the 2 asked",
        Some(&out),
    );

    // Asking for more epochs than any log has is the same error.
    let res = build_fixture(
        &fixture_logs(),
        &out,
        &["--test-bins", "2", "--epochs", "3"],
    );
    assert_rejected(
        &res,
        "scheme_1.txt:11: the log ends after epoch 2 of the 3 asked",
        Some(&out),
    );

    // --skip-incomplete builds from the others and lists the skipped log.
    let res = build_fixture(
        logs.path(),
        &out,
        &["--test-bins", "2", "--skip-incomplete"],
    );
    assert_eq!(res.status.code(), Some(3), "{}", stderr(&res));
    assert!(stderr(&res).contains("skipped "), "{}", stderr(&res));
    assert!(stderr(&res).contains("scheme_2.txt:8"));
    let built = fs::read_to_string(&out).unwrap();
    assert_eq!(built.lines().count(), 5, "header and 4 rows");
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
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "scheme_3.txt:11: the last line has no line ending",
        Some(&out),
    );
    let res = build_fixture(
        logs.path(),
        &out,
        &["--test-bins", "2", "--skip-incomplete"],
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
        &["--test-bins", "2"][..],
        &["--test-bins", "2", "--skip-incomplete"],
    ] {
        let res = build_fixture(logs.path(), &out, extra);
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
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
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
    let res = build_fixture(&fixture_logs(), &out, &["--test-bins", "2"]);
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

#[test]
fn swapped_duplicated_or_extra_logs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    // Swapped: scheme_1.txt holds scheme 2's log and the other way round.
    let logs = copied_logs();
    let (a, b) = (
        logs.path().join("scheme_1.txt"),
        logs.path().join("scheme_2.txt"),
    );
    let (ta, tb) = (fs::read(&a).unwrap(), fs::read(&b).unwrap());
    fs::write(&a, &tb).unwrap();
    fs::write(&b, &ta).unwrap();
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "scheme_1.txt:1: the network scheme is not scheme 1 of the schemes list: it is scheme 2",
        Some(&out),
    );
    // Duplicated: scheme 1's log copied as scheme_3.txt.
    let logs = copied_logs();
    fs::copy(
        logs.path().join("scheme_1.txt"),
        logs.path().join("scheme_3.txt"),
    )
    .unwrap();
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "scheme_3.txt:1: the network scheme is not scheme 3",
        Some(&out),
    );
    // Extra: a log for a scheme the list does not have.
    let logs = copied_logs();
    fs::copy(
        logs.path().join("scheme_1.txt"),
        logs.path().join("scheme_6.txt"),
    )
    .unwrap();
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "a log for ModelId 6, but the schemes list has 5 schemes",
        Some(&out),
    );
    // The default schemes list is the published space: its scheme 1 is
    // the fixture's scheme 1, but 435 of its logs are missing.
    let res = build(&fixture_logs(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "no log for 435 of the 440 expected ModelIds",
        Some(&out),
    );
}

#[test]
fn a_missing_log_needs_skip_incomplete_or_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let logs = copied_logs();
    fs::remove_file(logs.path().join("scheme_4.txt")).unwrap();
    let res = build_fixture(logs.path(), &out, &["--test-bins", "2"]);
    assert_rejected(
        &res,
        "no log for 1 of the 5 expected ModelIds (4); pass --skip-incomplete",
        Some(&out),
    );
    let res = build_fixture(
        logs.path(),
        &out,
        &["--test-bins", "2", "--skip-incomplete"],
    );
    assert_eq!(res.status.code(), Some(3), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("scheme_4.txt: missing"),
        "{}",
        stderr(&res)
    );
    let res = build_fixture(
        logs.path(),
        &out,
        &["--test-bins", "2", "--ids", "1,2,3,5", "--force"],
    );
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let text = fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 5, "header and 4 rows: {text}");
}

#[test]
fn degenerate_datasets_are_input_errors_for_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    let res = build_fixture(&fixture_logs(), &good, &["--test-bins", "2"]);
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let text = fs::read_to_string(&good).unwrap();
    let cases = [
        // Row 3 (line 4) no longer a test row: one test row is left.
        (
            "\r\n3,1,",
            "\r\n3,0,",
            "d.csv:1: column IsTest: 1 test rows, at least 2",
        ),
        // An accuracy above 1 (MaxAccuracy of ModelId 2, line 3).
        (
            ",0.5,1.68,",
            ",1.5,1.68,",
            "d.csv:3: column MaxAccuracy: expected an accuracy in [0, 1]",
        ),
        // A negative loss.
        (
            ",0.5,1.68,",
            ",0.5,-1.68,",
            "d.csv:3: column e1LossMean: expected a loss",
        ),
        // MaxAccuracy that is not the best epoch.
        (
            ",0.5,1.68,",
            ",0.49,1.68,",
            "d.csv:3: column MaxAccuracy: 0.49 is not the best",
        ),
    ];
    for (from, to, want) in cases {
        assert!(text.contains(from), "{from}");
        let bad = dir.path().join("d.csv");
        fs::write(&bad, text.replacen(from, to, 1)).unwrap();
        let check = run(naap().args(["dataset", "check"]).arg(&bad));
        assert_rejected(&check, want, None);
        let out = dir.path().join("baseline");
        let res = run(naap()
            .args(["baseline", "--quiet", "--no-figures", "--dataset"])
            .arg(&bad)
            .arg("-o")
            .arg(&out));
        assert_rejected(&res, want, Some(&out));
    }
    // A constant target on the test rows: ModelIds 2 and 3 both reach 0.5.
    let constant = text.replacen(
        ",0.55,1.67,1.6577,0.45,1.37,1.3577,0.55",
        ",0.5,1.67,1.6577,0.45,1.37,1.3577,0.5",
        1,
    );
    assert_ne!(constant, text);
    let bad = dir.path().join("d.csv");
    fs::write(&bad, constant).unwrap();
    let check = run(naap().args(["dataset", "check"]).arg(&bad));
    assert_rejected(
        &check,
        "column MaxAccuracy: the target is constant (0.5) on all 2 test rows",
        None,
    );
}

#[test]
fn a_huge_offending_cell_is_quoted_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    let res = build_fixture(&fixture_logs(), &good, &["--test-bins", "2"]);
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let text = fs::read_to_string(&good).unwrap();
    let huge = "7".repeat(4 << 20) + "x";
    let bad = dir.path().join("d.csv");
    fs::write(
        &bad,
        text.replacen(",0.5,1.68,", &format!(",0.5,{huge},"), 1),
    )
    .unwrap();
    let check = run(naap().args(["dataset", "check"]).arg(&bad));
    assert_rejected(
        &check,
        "d.csv:3: column e1LossMean: expected a number, got '777",
        None,
    );
    assert!(
        check.stderr.len() < 1000,
        "{} bytes of message",
        check.stderr.len()
    );
}

#[test]
fn join_appends_columns_by_model_id_and_rejects_mismatches() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = shared_naap440("naap440.csv");
    let rows = naap_dataset::Dataset::read(&dataset).unwrap().rows;
    // One value per ModelId, in reverse order, so the join must match by id.
    let mut extra = String::from("ModelId,proxy_a,proxy_b\n");
    for r in rows.iter().rev() {
        extra.push_str(&format!("{},{},{}\n", r.id, r.id.get() * 2, -0.5));
    }
    let extra_path = dir.path().join("extra.csv");
    fs::write(&extra_path, &extra).unwrap();
    let out = dir.path().join("joined.csv");
    let join = |extra: &Path, out: &Path| {
        run(naap()
            .args(["dataset", "join"])
            .arg(&dataset)
            .arg(extra)
            .arg("-o")
            .arg(out))
    };
    let res = join(&extra_path, &out);
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let joined = naap_dataset::Dataset::read(&out).unwrap();
    assert_eq!(joined.extra_columns(), ["proxy_a", "proxy_b"]);
    for (r, j) in rows.iter().zip(&joined.rows) {
        assert_eq!(j.value("proxy_a"), Some(f64::from(r.id.get() * 2)));
        assert_eq!(j.epochs, r.epochs);
    }
    // The published columns are kept byte for byte.
    let published = fs::read_to_string(&dataset).unwrap();
    let written = fs::read_to_string(&out).unwrap();
    for (p, w) in published.lines().zip(written.lines()).skip(1) {
        assert!(w.starts_with(&format!("{p},")), "{w}");
    }

    // A ModelId of the dataset missing from EXTRA, a clashing name: exit 2, no output.
    let short: String = extra.lines().take(100).map(|l| format!("{l}\n")).collect();
    fs::write(&extra_path, short).unwrap();
    let bad_out = dir.path().join("bad.csv");
    assert_rejected(
        &join(&extra_path, &bad_out),
        "no row for ModelId",
        Some(&bad_out),
    );
    fs::write(&extra_path, extra.replace("proxy_b", "NumStages")).unwrap();
    assert_rejected(
        &join(&extra_path, &bad_out),
        "column NumStages is already a column of the dataset",
        Some(&bad_out),
    );
    // Joining onto the joined file again would shadow its columns.
    fs::write(&extra_path, &extra).unwrap();
    let again = run(naap()
        .args(["dataset", "join"])
        .arg(&out)
        .arg(&extra_path)
        .arg("-o")
        .arg(&bad_out));
    assert_rejected(&again, "proxy_a is already a column", Some(&bad_out));
}

/// Issue 12 item 7, `naap dataset join`: every fault of either file exits 2,
/// names the file, line and column and what was expected, and writes nothing.
#[test]
fn join_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
    use crate::util::{assert_bad_inputs, bad, fixture_dataset, flag, positional, BadFiles};
    let b = BadFiles::new();
    let dataset = fixture_dataset("v2");
    let extra = b.file(
        "extra.csv",
        "ModelId,ZC\n1,0.5\n2,0.1\n3,0.2\n4,0.3\n5,0.4\n",
    );
    let valid = fs::read_to_string(&dataset).unwrap();
    let mut lines: Vec<&str> = valid.lines().collect();
    lines[2] = "2,1,abc";
    let malformed = b.file("malformed.csv", lines.join("\n"));
    let not_a_number = b.file("nan.csv", "ModelId,ZC\n1,0.5\n2,abc\n");
    let duplicate = b.file("dup.csv", "ModelId,ZC\n1,0.5\n1,0.1\n");
    let infinite = b.file("inf.csv", "ModelId,ZC\n1,inf\n");
    let empty = b.file("empty.csv", "ModelId,ZC\n");
    let zero_id = b.file("zero.csv", "ModelId,ZC\n0,0.5\n");
    let out = b.out("joined.csv");
    let base = [positional(&dataset), positional(&extra), flag("-o", &out)];
    let (missing, folder, binary) = (b.missing.display(), b.folder.display(), b.binary.display());
    let at = |p: &Path, line: usize| format!("{}:{line}", p.display());
    let (l_malformed, l_nan, l_dup) = (at(&malformed, 3), at(&not_a_number, 3), at(&duplicate, 3));
    let (l_inf, l_empty, l_zero) = (at(&infinite, 2), at(&empty, 1), at(&zero_id, 2));
    let both = |a: &Path, e: &Path| vec![positional(a), positional(e)];
    let cases = [
        bad(both(&b.missing, &extra), &[&missing, &"No such file"]),
        bad(both(&b.folder, &extra), &[&folder, &"directory"]),
        bad(both(&b.binary, &extra), &[&binary, &"UTF-8"]),
        bad(
            both(&malformed, &extra),
            &[&l_malformed, &"expected 17 fields"],
        ),
        bad(both(&dataset, &b.missing), &[&missing, &"No such file"]),
        bad(both(&dataset, &b.folder), &[&folder, &"directory"]),
        bad(both(&dataset, &b.binary), &[&binary, &"UTF-8"]),
        bad(
            both(&dataset, &not_a_number),
            &[&l_nan, &"column ZC", &"finite number"],
        ),
        bad(
            both(&dataset, &infinite),
            &[&l_inf, &"column ZC", &"finite number"],
        ),
        bad(
            both(&dataset, &duplicate),
            &[&l_dup, &"duplicate ModelId 1"],
        ),
        bad(both(&dataset, &empty), &[&l_empty, &"no data rows"]),
        bad(
            both(&dataset, &zero_id),
            &[&l_zero, &"column ModelId", &"positive integer"],
        ),
    ];
    assert_bad_inputs(&["dataset", "join"], &base, &out, &cases);
}
