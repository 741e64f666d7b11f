//! Fidelity across trainer changes: 3 epochs of schemes 1, 20 and 363 on a
//! seeded slice of the shared JPEG CIFAR-10 must log exactly what the trainer
//! logged before the change (issue 13: u8 images normalised per batch).
//!
//! The reference logs in `tests/fixtures/fidelity/` were written by this test
//! run on the pre-change trainer (main at 10d2751) with
//! `NAAP_WRITE_FIDELITY=1 cargo nextest run -p naap-train fidelity`; that
//! variable only creates missing files, it never overwrites one, and without
//! it a missing file fails the test.

mod common;

use naap_train::{
    load_cifar10, train_schemes, DeviceChoice, RunOptions, SchemeJob, SchemePaths, TrainConfig,
};
use std::path::PathBuf;

const IDS: [usize; 3] = [1, 20, 363];

fn fixture(id: usize) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fidelity")
        .join(format!("scheme_{id}.txt"))
}

#[test]
fn three_epochs_of_schemes_1_20_363_log_what_the_trainer_logged_before() {
    let data = load_cifar10(&common::jpeg_tar(), Some(10000), Some(2000)).unwrap();
    let schemes = common::shared_schemes();
    let jobs: Vec<SchemeJob> = IDS
        .iter()
        .map(|&id| SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 1,
        })
        .collect();
    let config = TrainConfig {
        epochs: 3,
        device: DeviceChoice::Cpu,
        threads: 1,
        ..Default::default()
    }
    .validate()
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary = train_schemes(
        &jobs,
        &data,
        &config,
        out.path(),
        &RunOptions::jobs(2),
        &|_| {},
    )
    .unwrap();
    let trained: Vec<usize> = summary.trained.iter().map(|id| id.index() + 1).collect();
    assert_eq!(trained, IDS.to_vec(), "{summary:?}");
    for id in IDS {
        let model_id = naap_space::ModelId::from_index(id - 1).unwrap();
        let now = std::fs::read_to_string(SchemePaths::new(out.path(), model_id).log).unwrap();
        let path = fixture(id);
        if !path.exists() && std::env::var_os("NAAP_WRITE_FIDELITY").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &now).unwrap();
        }
        let before = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reference log {}: {e}", path.display()));
        assert_eq!(
            common::strip_timestamps(&now),
            common::strip_timestamps(&before),
            "scheme {id}: the log differs from {}",
            path.display()
        );
        assert_eq!(common::parse_log(&now).len(), 3);
    }
}
