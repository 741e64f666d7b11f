//! Reads the published NAAP-440 CSVs from the shared data folder.

use naap_dataset::{Dataset, Format};
use std::path::PathBuf;

/// A published file (see naap-testdata).
fn shared_naap440(name: &str) -> PathBuf {
    naap_testdata::naap440(name)
}

fn check_published(ds: &Dataset) {
    assert_eq!(ds.rows.len(), 440);
    assert_eq!(ds.num_epochs(), 90);
    assert_eq!(ds.test_rows().count(), 40);
    assert_eq!(ds.train_rows().count(), 400);
    let ids: Vec<u32> = ds.rows.iter().map(|r| r.id.get()).collect();
    assert_eq!(ids, (1..=440).collect::<Vec<_>>());
    for r in &ds.rows {
        let best = r.accuracies().into_iter().fold(f64::MIN, f64::max);
        assert_eq!(r.max_accuracy, best, "ModelId {}", r.id);
    }
    // Row 1 of both files, read off the published CSV.
    let r = &ds.rows[0];
    assert_eq!(r.scheme.num_params, 2566);
    assert_eq!(r.scheme.num_macs, 231600);
    assert_eq!(r.value("e1LossMean"), Some(1.8651));
    assert_eq!(r.value("MaxAccuracy"), Some(0.5888));
}

#[test]
fn reads_published_v1() {
    let ds = Dataset::read(&shared_naap440("naap440.csv")).unwrap();
    assert_eq!(ds.format, Format::V1);
    assert_eq!(ds.columns().len(), 2 + 6 + 1 + 270);
    assert!(ds
        .rows
        .iter()
        .all(|r| r.scheme.num_skip_connections.is_none()));
    check_published(&ds);
}

#[test]
fn reads_published_v2() {
    let ds = Dataset::read(&shared_naap440("naap440v2.csv")).unwrap();
    assert_eq!(ds.format, Format::V2);
    check_published(&ds);
    let skips: u32 = ds
        .rows
        .iter()
        .map(|r| r.scheme.num_skip_connections.unwrap())
        .sum();
    assert!(skips > 0);
    // v1 and v2 agree on every shared column.
    let v1 = Dataset::read(&shared_naap440("naap440.csv")).unwrap();
    for (a, b) in v1.rows.iter().zip(&ds.rows) {
        assert_eq!(a.epochs, b.epochs);
        assert_eq!(a.is_test, b.is_test);
        assert_eq!(a.scheme.num_params, b.scheme.num_params);
    }
}

#[test]
fn published_files_write_back_byte_for_byte() {
    for name in ["naap440.csv", "naap440v2.csv"] {
        let path = shared_naap440(name);
        let ds = Dataset::read(&path).unwrap();
        let original = std::fs::read(&path).unwrap();
        assert!(
            ds.to_csv(naap_dataset::LineEnding::Crlf).as_bytes() == original.as_slice(),
            "{name} differs after read and write"
        );
    }
}

#[test]
fn building_from_the_published_logs_reproduces_both_csvs() {
    use naap_dataset::{build, read_logs, BuildConfig, LineEnding};
    let logs = read_logs(&shared_naap440("raw_data.tar.gz")).unwrap();
    for (format, name) in [(Format::V1, "naap440.csv"), (Format::V2, "naap440v2.csv")] {
        let config = BuildConfig {
            format,
            ..BuildConfig::default()
        };
        let schemes = naap_space::generate(&naap_space::SpaceConfig::default().validate().unwrap());
        let built = build(&logs, &schemes, &config.validate().unwrap(), |_, _| {}).unwrap();
        assert!(built.skipped.is_empty());
        let published = std::fs::read(shared_naap440(name)).unwrap();
        let ours = built.dataset.to_csv(LineEnding::Crlf);
        assert!(ours.as_bytes() == published.as_slice(), "{name} differs");
    }
}
