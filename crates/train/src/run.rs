//! Training many schemes: concurrent jobs over shared device-resident data,
//! per-scheme failures collected (a diverged scheme never stops the others).

use crate::{
    device_name, train_scheme, Cifar10, DeviceChoice, DeviceData, Error, Event, Result, SchemeJob,
    SchemeOutcome, TrainValidConfig,
};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Schemes trained to the end in this run, by id.
    pub trained: Vec<usize>,
    /// Schemes whose logs were already complete.
    pub already_done: Vec<usize>,
    /// Schemes that failed, with the reason.
    pub failed: Vec<(usize, String)>,
    /// Training images processed (epochs run × training-set size).
    pub train_images: u64,
    /// Wall time of the run.
    pub secs: f64,
    /// The device used, as logged (`cpu`, `cuda:0`).
    pub device: String,
}

/// Trains `jobs` into `out_dir` with `concurrency` schemes at a time.
///
/// Writes `config.toml` (the resolved config, device included) and, per scheme,
/// `scheme_{id}.txt` and `checkpoints/scheme_{id}.ckpt`.
pub fn train_schemes(
    jobs: &[SchemeJob],
    data: &Cifar10,
    config: &TrainValidConfig,
    out_dir: &Path,
    concurrency: usize,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<RunSummary> {
    let start = Instant::now();
    let device = resolve_device(config.device())?;
    if config.cuda_graphs() && !matches!(device, tch::Device::Cuda(_)) {
        return Err(Error::Config(format!(
            "cuda_graphs needs a CUDA device, the run is on {}",
            device_name(device)
        )));
    }
    std::fs::create_dir_all(out_dir.join("checkpoints")).map_err(Error::io(out_dir))?;
    let mut resolved = config.get().clone();
    resolved.device = match device {
        tch::Device::Cuda(k) => DeviceChoice::Cuda(k),
        _ => DeviceChoice::Cpu,
    };
    let resolved = resolved.validate()?;
    let config_path = out_dir.join("config.toml");
    std::fs::write(&config_path, resolved.to_toml()).map_err(Error::io(&config_path))?;

    let data = DeviceData::new(data, device)?;
    if let tch::Device::Cuda(k) = device {
        // Jobs run on streams of their own that do not wait for the default stream,
        // which uploaded the data: wait for it here.
        tch::Cuda::synchronize(k as i64);
    }
    let workers = concurrency.clamp(1, jobs.len().max(1));
    let threads = threads_per_job(config.threads(), workers);
    let resolved = &resolved;
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            let data = data.share();
            let (next, outcomes) = (&next, &outcomes);
            s.spawn(move || {
                tch::set_num_threads(threads as i32);
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = match train_scheme(job, &data, resolved, out_dir, on_event) {
                        Ok(0) => SchemeOutcome::AlreadyDone,
                        Ok(epochs_run) => SchemeOutcome::Trained { epochs_run },
                        Err(e) => SchemeOutcome::Failed(e.to_string()),
                    };
                    on_event(Event::SchemeFinished {
                        id: job.id,
                        outcome: outcome.clone(),
                    });
                    outcomes
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((job.id, outcome));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());
    outcomes.sort_by_key(|(id, _)| *id);
    let mut summary = RunSummary {
        device: device_name(device),
        ..Default::default()
    };
    for (id, outcome) in outcomes {
        match outcome {
            SchemeOutcome::Trained { epochs_run } => {
                summary.trained.push(id);
                summary.train_images += (epochs_run * data.train_len()) as u64;
            }
            SchemeOutcome::AlreadyDone => summary.already_done.push(id),
            SchemeOutcome::Failed(reason) => summary.failed.push((id, reason)),
        }
    }
    summary.secs = start.elapsed().as_secs_f64();
    Ok(summary)
}

/// The device to use; asking for a CUDA device that libtorch cannot see is an error,
/// never a silent CPU fallback.
pub fn resolve_device(choice: DeviceChoice) -> Result<tch::Device> {
    let device = choice.resolve();
    if let tch::Device::Cuda(k) = device {
        let count = tch::Cuda::device_count() as usize;
        if k >= count {
            return Err(Error::Config(format!(
                "device cuda:{k} asked for, but libtorch sees {count} CUDA device(s)"
            )));
        }
    }
    Ok(device)
}

/// libtorch threads per job: the asked number, else the cores divided among the jobs.
pub fn threads_per_job(asked: usize, jobs: usize) -> usize {
    if asked > 0 {
        return asked;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / jobs.max(1)).max(1)
}
