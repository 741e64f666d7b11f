//! Training many schemes: concurrent jobs over shared device-resident data,
//! per-scheme failures collected (a diverged scheme never stops the others).

use crate::checkpoint;
use crate::{
    device_name, train_scheme, Cifar10, DeviceChoice, DeviceData, Error, Event, Result, SchemeJob,
    SchemeOutcome, SchemePaths, TrainValidConfig,
};
use naap_space::ModelId;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Schemes trained to the end in this run, by id.
    pub trained: Vec<ModelId>,
    /// Schemes whose logs were already complete.
    pub already_done: Vec<ModelId>,
    /// Schemes that failed, with the reason.
    pub failed: Vec<(ModelId, String)>,
    /// Training images processed (epochs run × training-set size).
    pub train_images: u64,
    /// Wall time of the run.
    pub secs: f64,
    /// The device used, as logged (`cpu`, `cuda:0`).
    pub device: String,
}

/// How a run uses the machine and treats earlier outputs (not part of the recipe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Schemes trained at once (at least 1).
    pub concurrency: usize,
    /// Retrain from scratch the schemes whose checkpoints another build wrote,
    /// instead of refusing the run.
    pub resume_stale: bool,
}

impl RunOptions {
    /// `concurrency` schemes at a time; checkpoints of other builds refused.
    pub fn jobs(concurrency: usize) -> RunOptions {
        RunOptions {
            concurrency,
            resume_stale: false,
        }
    }
}

/// Trains `jobs` into `out_dir`, `options.concurrency` schemes at a time.
///
/// Writes `config.toml` (the resolved config, device included) and, per scheme,
/// `scheme_{id}.txt` and `checkpoints/scheme_{id}.ckpt`. Before training
/// anything, refuses the run if a checkpoint of these schemes was written by
/// another build ([`Error::StaleCheckpoints`]), unless `options.resume_stale`.
pub fn train_schemes(
    jobs: &[SchemeJob],
    data: &Cifar10,
    config: &TrainValidConfig,
    out_dir: &Path,
    options: &RunOptions,
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
    if !options.resume_stale {
        refuse_stale_checkpoints(jobs, out_dir)?;
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
    let workers = options.concurrency.clamp(1, jobs.len().max(1));
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
                    let trained = train_scheme(
                        job,
                        &data,
                        resolved,
                        out_dir,
                        options.resume_stale,
                        on_event,
                    );
                    let outcome = match trained {
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

/// Fails, naming every scheme, when a checkpoint or diverged-run marker of `jobs`
/// in `out_dir` was written by another build: the whole run stops before it
/// trains anything.
fn refuse_stale_checkpoints(jobs: &[SchemeJob], out_dir: &Path) -> Result<()> {
    let mut stale: Vec<(ModelId, String)> = Vec::new();
    for job in jobs {
        let paths = SchemePaths::new(out_dir, job.id);
        // A diverged-run marker counts as a checkpoint: it too records work of a build.
        let marker = checkpoint::DivergedMarker::load(&paths.diverged)?;
        let marker_build = marker.as_ref().and_then(|m| m.stale_build());
        if let Some(build) = marker_build {
            stale.push((job.id, build.to_string()));
        } else if let Some(loaded) = checkpoint::load(&paths.checkpoint)? {
            if let Some(build) = loaded.stale_build() {
                stale.push((job.id, build.to_string()));
            }
        }
    }
    match stale.first() {
        None => Ok(()),
        Some((_, build)) => Err(Error::StaleCheckpoints {
            dir: out_dir.join("checkpoints"),
            build: build.clone(),
            ids: stale.iter().map(|(id, _)| *id).collect(),
        }),
    }
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
