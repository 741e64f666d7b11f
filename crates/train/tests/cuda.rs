//! The CUDA parts of the shim (feature `cuda-shim`) on a real GPU; ignored elsewhere.
//! Run where a GPU is: `cargo nextest run -p naap-train --features cuda-shim --run-ignored only`.
#![cfg(feature = "cuda-shim")]

mod common;

use naap_train::shim::cuda::{CudaGraph, JobStream};
use naap_train::{
    load_cifar10, train_schemes, DeviceChoice, RunOptions, SchemeJob, SchemePaths, TrainConfig,
};
use tch::{Device, Kind, Tensor};

#[test]
#[ignore = "needs a CUDA device"]
fn a_graph_replays_its_work_on_new_inputs() {
    let _stream = JobStream::enter(0).unwrap();
    let device = Device::Cuda(0);
    let mut x = Tensor::zeros([4], (Kind::Float, device));
    let mut graph = CudaGraph::new().unwrap();
    // Warm up outside the capture, as libtorch asks.
    let _ = &x * 2.0 + 1.0;
    let y = graph.capture(|| Ok(&x * 2.0 + 1.0)).unwrap();
    for v in [1.0, 5.0] {
        x.copy_(&Tensor::from_slice(&[v, v, v, v]).to_device(device));
        graph.replay().unwrap();
        let got = Vec::<f64>::try_from(y.to_kind(Kind::Double).to_device(Device::Cpu)).unwrap();
        assert_eq!(got, vec![2.0 * v + 1.0; 4]);
    }
}

fn run_logs(cuda_graphs: bool, jobs: usize) -> Vec<Vec<(f64, f64, f64)>> {
    let data = load_cifar10(&common::jpeg_tar(), Some(2000), Some(500)).unwrap();
    let schemes = common::shared_schemes();
    let ids = [1, 3];
    let jobs_list: Vec<SchemeJob> = ids
        .iter()
        .map(|&id| SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 1,
        })
        .collect();
    let config = TrainConfig {
        epochs: 2,
        device: DeviceChoice::Cuda(0),
        cuda_graphs,
        ..Default::default()
    }
    .validate()
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary = train_schemes(
        &jobs_list,
        &data,
        &config,
        out.path(),
        &RunOptions::jobs(jobs),
        &|_| {},
    )
    .unwrap();
    let trained: Vec<usize> = summary.trained.iter().map(|id| id.index() + 1).collect();
    assert_eq!(trained, ids.to_vec(), "{summary:?}");
    ids.iter()
        .map(|&id| {
            let id = naap_space::ModelId::from_index(id - 1).unwrap();
            let log = std::fs::read_to_string(SchemePaths::new(out.path(), id).log).unwrap();
            common::parse_log(&log)
        })
        .collect()
}

/// Replaying the step from a graph trains as the eager step does: the same losses up to
/// GPU rounding (cuDNN's backward kernels may add in any order), two jobs at once.
#[test]
#[ignore = "needs a CUDA device"]
fn graphed_training_logs_what_eager_training_does() {
    let eager = run_logs(false, 2);
    let graphed = run_logs(true, 2);
    for (e, g) in eager.iter().zip(&graphed) {
        assert_eq!(e.len(), 2);
        for ((el, em, ea), (gl, gm, ga)) in e.iter().zip(g) {
            assert!((el - gl).abs() < 1e-3, "loss mean {el} vs {gl}");
            assert!((em - gm).abs() < 1e-3, "loss median {em} vs {gm}");
            assert!((ea - ga).abs() <= 0.01, "accuracy {ea} vs {ga}");
        }
    }
}
