//! `naap dataset join` reads its extra CSV with the dataset's CSV reader (a
//! BOM, quoted fields and CRLF alike) and names its columns by the one rule
//! `naap fit --features` uses: every name it accepts can be fitted on.

use crate::util::{fixture_dataset, naap, run};

#[test]
fn join_reads_csv_as_the_dataset_reader_and_accepts_only_usable_names() {
    let dir = tempfile::tempdir().unwrap();
    let rows = |eol: &str| -> String { (1..=5).map(|i| format!("{i},{}{eol}", i * 2)).collect() };
    // (extra CSV bytes, the joined column's name or None if refused, words)
    let cases: Vec<(Vec<u8>, Option<&str>, &str)> = vec![
        (
            [
                b"\xef\xbb\xbfModelId,proxy\n".to_vec(),
                rows("\n").into_bytes(),
            ]
            .concat(),
            Some("proxy"),
            "",
        ),
        (
            format!("\"ModelId\",\"proxy\"\r\n{}", rows("\r\n")).into_bytes(),
            Some("proxy"),
            "",
        ),
        (
            format!("ModelId,syn.flow-2_b\n{}", rows("\n")).into_bytes(),
            Some("syn.flow-2_b"),
            "",
        ),
        (
            format!("ModelId,\"Fo,o\"\n{}", rows("\n")).into_bytes(),
            None,
            "'Fo,o' holds ','",
        ),
        (
            format!("ModelId,a b\n{}", rows("\n")).into_bytes(),
            None,
            "'a b' holds ' '",
        ),
        (
            format!("ModelId,Größe\n{}", rows("\n")).into_bytes(),
            None,
            "'Größe' holds 'ö'",
        ),
        (
            format!("ModelId,proxy\n1,\"2,5\"\n{}", rows("\n")).into_bytes(),
            None,
            "extra.csv:2",
        ),
    ];
    let mut failures = Vec::new();
    for (i, (bytes, name, words)) in cases.into_iter().enumerate() {
        let extra = dir.path().join(format!("{i}-extra.csv"));
        std::fs::write(&extra, &bytes).unwrap();
        let joined = dir.path().join(format!("{i}-joined.csv"));
        let res = run(naap()
            .args(["dataset", "join"])
            .arg(fixture_dataset("v1"))
            .arg(&extra)
            .arg("-o")
            .arg(&joined));
        let err = String::from_utf8_lossy(&res.stderr);
        match name {
            Some(name) => {
                if res.status.code() != Some(0) {
                    failures.push(format!("case {i}: exit {:?}: {err}", res.status.code()));
                    continue;
                }
                let table = naap_dataset::Dataset::read(&joined).unwrap();
                if table.extra_columns() != [name] {
                    failures.push(format!("case {i}: columns {:?}", table.extra_columns()));
                }
                // The name the join accepted is one fit accepts.
                let fit = run(naap()
                    .args(["fit", "--model", "1-NN", "--features"])
                    .arg(format!("NumParams,{name}"))
                    .arg("--dataset")
                    .arg(&joined)
                    .arg("-o")
                    .arg(dir.path().join(format!("{i}.json"))));
                if fit.status.code() != Some(0) {
                    failures.push(format!(
                        "case {i}: fit on {name}: {}",
                        String::from_utf8_lossy(&fit.stderr)
                    ));
                }
            }
            None => {
                if res.status.code() != Some(2) || !err.contains(words) || joined.exists() {
                    failures.push(format!(
                        "case {i}: exit {:?}, want 2 and {words:?}: {err}",
                        res.status.code()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
