//! Real training on small slices of the shared JPEG CIFAR-10: the loss falls,
//! accuracy beats chance, the logs parse back, finished schemes are skipped,
//! and a resumed run equals an uninterrupted one.

mod common;

use naap_train::checkpoint::DivergedMarker;
use naap_train::{
    load_cifar10, train_schemes, Cifar10, DeviceChoice, RunOptions, SchemeJob, SchemePaths,
    TrainConfig, TrainValidConfig,
};
use std::path::Path;
use std::sync::OnceLock;

fn data() -> &'static Cifar10 {
    static DATA: OnceLock<Cifar10> = OnceLock::new();
    DATA.get_or_init(|| load_cifar10(&common::jpeg_tar(), Some(2000), Some(500)).unwrap())
}

/// The ModelId `n`.
fn mid(n: usize) -> naap_space::ModelId {
    naap_space::ModelId::from_index(n - 1).unwrap()
}

fn jobs(ids: &[usize]) -> Vec<SchemeJob> {
    let schemes = common::shared_schemes();
    ids.iter()
        .map(|&id| SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 1,
        })
        .collect()
}

fn config(epochs: usize) -> TrainValidConfig {
    TrainConfig {
        epochs,
        device: DeviceChoice::Cpu,
        threads: 1,
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn log_of(out: &Path, id: usize) -> String {
    std::fs::read_to_string(SchemePaths::new(out, mid(id)).log).unwrap()
}

#[test]
fn two_schemes_learn_and_their_logs_parse_back() {
    let out = tempfile::tempdir().unwrap();
    let summary = train_schemes(
        &jobs(&[1, 2]),
        data(),
        &config(2),
        out.path(),
        &RunOptions::jobs(2),
        &|_| {},
    )
    .unwrap();
    assert_eq!(summary.trained, vec![mid(1), mid(2)], "{summary:?}");
    assert_eq!(summary.train_images, 2 * 2 * 2000);
    for id in [1, 2] {
        let epochs = common::parse_log(&log_of(out.path(), id));
        assert_eq!(epochs.len(), 2);
        let ((m1, _, _), (m2, _, acc2)) = (epochs[0], epochs[1]);
        assert!(m2 < m1, "scheme {id}: loss did not fall: {m1} -> {m2}");
        // Chance is 0.1 with a standard deviation of 0.013 on 500 test images.
        assert!(acc2 > 0.13, "scheme {id}: accuracy {acc2} is near chance");
    }
    let config_toml = std::fs::read_to_string(out.path().join("config.toml")).unwrap();
    assert!(config_toml.contains("device = \"cpu\""), "{config_toml}");
    // A second run finds both finished and trains nothing.
    let again = train_schemes(
        &jobs(&[1, 2]),
        data(),
        &config(2),
        out.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    assert_eq!(
        (again.already_done, again.train_images),
        (vec![mid(1), mid(2)], 0)
    );
}

#[test]
fn a_resumed_run_logs_what_an_uninterrupted_one_does() {
    let straight = tempfile::tempdir().unwrap();
    train_schemes(
        &jobs(&[3]),
        data(),
        &config(3),
        straight.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    let resumed = tempfile::tempdir().unwrap();
    train_schemes(
        &jobs(&[3]),
        data(),
        &config(1),
        resumed.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    let second = train_schemes(
        &jobs(&[3]),
        data(),
        &config(3),
        resumed.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    assert_eq!(
        (second.trained, second.train_images),
        (vec![mid(3)], 2 * 2000)
    );
    assert_eq!(
        common::strip_timestamps(&log_of(resumed.path(), 3)),
        common::strip_timestamps(&log_of(straight.path(), 3))
    );
}

#[test]
fn a_checkpoint_from_another_recipe_is_refused() {
    let out = tempfile::tempdir().unwrap();
    train_schemes(
        &jobs(&[1]),
        data(),
        &config(1),
        out.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    let other = TrainConfig {
        epochs: 2,
        recipe: naap_train::Recipe {
            seed: 7,
            ..Default::default()
        },
        device: DeviceChoice::Cpu,
        threads: 1,
        ..Default::default()
    }
    .validate()
    .unwrap();
    let summary = train_schemes(
        &jobs(&[1]),
        data(),
        &other,
        out.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    let (id, reason) = &summary.failed[0];
    assert_eq!(*id, mid(1));
    assert!(
        reason.contains("different recipe (seed 20220819 there, 7 now)"),
        "{reason}"
    );
}

/// The multi-tensor SGD step (the CPU default since the C++ shim) keeps runs bit-stable:
/// the 3-epoch logs equal those that the per-tensor step wrote before it, and scheme 1's
/// weights and momentum buffers after 3 epochs are bit-equal to its checkpoint
/// (`tests/fixtures/before_shim/`, made by main at 10d2751 with
/// `naap train --ids 1,3 --epochs 3 --train-limit 2000 --test-limit 500 --device cpu --threads 1`).
#[test]
fn the_same_seed_gives_the_logs_of_the_per_tensor_step() {
    let profile_config = naap_profile::ProfileConfig::default().validate().unwrap();
    let mut jobs = jobs(&[1, 3]);
    for job in &mut jobs {
        // The CLI logs the profiler's MACs; the other tests here do not need them.
        job.macs = naap_profile::profile(&job.scheme, &profile_config)
            .unwrap()
            .num_macs;
    }
    let out = tempfile::tempdir().unwrap();
    train_schemes(
        &jobs,
        data(),
        &config(3),
        out.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/before_shim");
    for id in [1, 3] {
        let before = std::fs::read_to_string(fixtures.join(format!("scheme_{id}.txt"))).unwrap();
        assert_eq!(
            common::strip_timestamps(&log_of(out.path(), id)),
            common::strip_timestamps(&before),
            "scheme {id}"
        );
    }
    let tensors = |path: &Path| {
        let mut t = tch::Tensor::load_multi(path).unwrap();
        // Drop the metadata (its log has timestamps); keep weights and buffers.
        t.retain(|(name, _)| name != "meta");
        t.sort_by(|a, b| a.0.cmp(&b.0));
        t
    };
    let now = tensors(&SchemePaths::new(out.path(), mid(1)).checkpoint);
    let before = tensors(&fixtures.join("scheme_1.ckpt"));
    assert_eq!(now.len(), before.len());
    assert!(now.len() > 10, "{} tensors", now.len());
    for ((name, a), (name_before, b)) in now.iter().zip(&before) {
        assert_eq!(name, name_before);
        assert!(a.equal(b), "{name} differs from the per-tensor step's");
    }
}

/// CUDA graphs are for CUDA devices: asked for on the CPU, the run stops before training.
#[test]
#[cfg(feature = "cuda-shim")]
fn cuda_graphs_on_the_cpu_are_refused() {
    let config = TrainConfig {
        epochs: 1,
        device: DeviceChoice::Cpu,
        cuda_graphs: true,
        ..Default::default()
    }
    .validate()
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = train_schemes(
        &jobs(&[1]),
        data(),
        &config,
        out.path(),
        &RunOptions::jobs(1),
        &|_| {},
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid config: cuda_graphs needs a CUDA device, the run is on cpu"
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// Rewrites the build identity inside a checkpoint, as if another build had written it.
fn forge_code(path: &Path, code: &str) {
    let mut named = tch::Tensor::load_multi(path).unwrap();
    let meta = named.iter_mut().find(|(n, _)| n == "meta").unwrap();
    let bytes = Vec::<u8>::try_from(&meta.1).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    json["code"] = code.into();
    meta.1 = tch::Tensor::from_slice(&serde_json::to_vec(&json).unwrap());
    tch::Tensor::save_multi(&named, path).unwrap();
}

/// Issue 13: a resumed run must never trust epochs made by another build.
#[test]
fn a_checkpoint_of_another_build_is_refused_and_resume_stale_retrains() {
    let out = tempfile::tempdir().unwrap();
    let one = RunOptions::jobs(1);
    train_schemes(&jobs(&[1]), data(), &config(1), out.path(), &one, &|_| {}).unwrap();
    let ckpt = SchemePaths::new(out.path(), mid(1)).checkpoint;
    let log_before = log_of(out.path(), 1);
    forge_code(&ckpt, "naap-train 0.1.0 sources 0000000000000000");

    let err = train_schemes(
        &jobs(&[1, 2]),
        data(),
        &config(2),
        out.path(),
        &one,
        &|_| {},
    )
    .unwrap_err();
    assert!(err.is_bad_input());
    let message = err.to_string();
    assert!(
        message.contains(&format!(
            "1 checkpoint(s) in {} were written by another build \
             (naap-train 0.1.0 sources 0000000000000000; this is {})",
            out.path().join("checkpoints").display(),
            naap_train::CODE_ID
        )),
        "{message}"
    );
    assert!(
        message.contains("scheme(s) 1;") && message.contains("--resume-stale"),
        "{message}"
    );
    // Refused before anything ran: scheme 2 was not started, scheme 1's log is untouched.
    assert!(!SchemePaths::new(out.path(), mid(2)).log.exists());
    assert_eq!(log_of(out.path(), 1), log_before);

    let stale = RunOptions {
        concurrency: 1,
        resume_stale: true,
    };
    let redo = train_schemes(&jobs(&[1]), data(), &config(2), out.path(), &stale, &|_| {}).unwrap();
    // Both epochs ran again, from scratch, and the checkpoint is now this build's.
    assert_eq!((redo.trained, redo.train_images), (vec![mid(1)], 2 * 2000));
    let loaded = naap_train::checkpoint::load(&ckpt).unwrap().unwrap();
    assert_eq!(loaded.meta.code, naap_train::CODE_ID);
    assert_eq!(loaded.stale_build(), None);
    let again = train_schemes(&jobs(&[1]), data(), &config(2), out.path(), &one, &|_| {}).unwrap();
    assert_eq!(again.already_done, vec![mid(1)]);
}

/// Issue 13: a diverged-run marker carries the build like a checkpoint. This
/// build's marker is final (the scheme fails again without training); another
/// build's, or one from before the code identity, is refused with the stale
/// checkpoint message, and under `resume_stale` the scheme is retrained from scratch.
#[test]
fn a_diverged_marker_of_another_build_is_refused_and_resume_stale_retrains() {
    let out = tempfile::tempdir().unwrap();
    let one = RunOptions::jobs(1);
    train_schemes(&jobs(&[1]), data(), &config(1), out.path(), &one, &|_| {}).unwrap();
    let paths = SchemePaths::new(out.path(), mid(1));
    let log_before = log_of(out.path(), 1);
    // As a run that diverged in epoch 2, after checkpointing epoch 1, leaves it.
    let reason = "diverged in epoch 2: batch loss is NaN";
    std::fs::write(&paths.diverged, DivergedMarker::new(reason).to_json()).unwrap();
    let again = train_schemes(&jobs(&[1]), data(), &config(2), out.path(), &one, &|_| {}).unwrap();
    assert_eq!(
        (again.failed, again.train_images),
        (
            vec![(mid(1), format!("scheme 1: {reason} (earlier run)"))],
            0
        )
    );

    let other = "naap-train 0.1.0 sources 0000000000000000";
    let forged = DivergedMarker {
        code: other.into(),
        reason: reason.into(),
    };
    for (marker, build) in [
        (forged.to_json(), other),
        (reason.to_string(), "an older build without a code identity"),
    ] {
        std::fs::write(&paths.diverged, marker).unwrap();
        let err = train_schemes(
            &jobs(&[1, 2]),
            data(),
            &config(2),
            out.path(),
            &one,
            &|_| {},
        )
        .unwrap_err();
        assert!(err.is_bad_input());
        let message = err.to_string();
        assert!(
            message.contains(&format!(
                "1 checkpoint(s) in {} were written by another build ({build}; this is {})",
                out.path().join("checkpoints").display(),
                naap_train::CODE_ID
            )) && message.contains("scheme(s) 1;")
                && message.contains("--resume-stale"),
            "{message}"
        );
        // Refused before anything ran.
        assert!(!SchemePaths::new(out.path(), mid(2)).log.exists());
        assert_eq!(log_of(out.path(), 1), log_before);
    }

    let stale = RunOptions {
        concurrency: 1,
        resume_stale: true,
    };
    let redo = train_schemes(&jobs(&[1]), data(), &config(2), out.path(), &stale, &|_| {}).unwrap();
    // Both epochs ran, from scratch (not from the epoch-1 checkpoint), and the marker is gone.
    assert_eq!((redo.trained, redo.train_images), (vec![mid(1)], 2 * 2000));
    assert!(!paths.diverged.exists());
    let loaded = naap_train::checkpoint::load(&paths.checkpoint)
        .unwrap()
        .unwrap();
    assert_eq!(
        (loaded.meta.code.as_str(), loaded.meta.epochs.len()),
        (naap_train::CODE_ID, 2)
    );
}
