//! Training one scheme: the epoch loop, resumable from its checkpoint.

use crate::checkpoint::{self, CheckpointMeta, RunKey};
use crate::cifar::{normalise, SplitTensors};
use crate::gpu::{self, GraphedStep};
use crate::shim::Lr;
use crate::stats::{loss_mean, loss_median};
use crate::{
    lr_for_epoch, Cifar10, EpochStats, Error, PaperLog, Result, SchemeNet, Sgd, TrainValidConfig,
};
use naap_space::{ModelId, Scheme};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;
use tch::{nn, Device, Kind, Reduction, Tensor};

/// Images per forward pass when measuring test accuracy.
const EVAL_BATCH: i64 = 1000;

/// libtorch's generator is global: seeding and init must not interleave between jobs.
static INIT_LOCK: Mutex<()> = Mutex::new(());

/// One scheme to train.
#[derive(Debug, Clone)]
pub struct SchemeJob {
    /// The scheme's id (its 1-based position in its list).
    pub id: ModelId,
    /// Its layers.
    pub scheme: Scheme,
    /// Its multiply-accumulates, from the profiler, for the log header.
    pub macs: u64,
}

/// CIFAR-10 resident on the training device as decoded (uint8 pixels), one
/// copy shared by every job; each batch is normalised on the device as it is
/// drawn ([`normalise`]). On the CPU the images are the [`Cifar10`]'s own bytes.
pub struct DeviceData<'a> {
    train: SplitTensors<'a>,
    test: SplitTensors<'a>,
}

impl<'a> DeviceData<'a> {
    /// Puts both splits on `device` (on the CPU: views of `data`, no copy).
    pub fn new(data: &'a Cifar10, device: Device) -> Result<DeviceData<'a>> {
        Ok(DeviceData {
            train: data.train.to_tensors(device)?,
            test: data.test.to_tensors(device)?,
        })
    }
    /// Another handle to the same tensors, for another job thread.
    pub fn share(&self) -> DeviceData<'a> {
        DeviceData {
            train: self.train.share(),
            test: self.test.share(),
        }
    }
    /// Training images.
    pub fn train_len(&self) -> usize {
        self.train.labels.size()[0] as usize
    }
    /// Test images.
    pub fn test_len(&self) -> usize {
        self.test.labels.size()[0] as usize
    }
    fn device(&self) -> Device {
        self.train.images.device()
    }
}

/// Progress of a run, reported through the caller's callback.
#[derive(Debug, Clone)]
pub enum Event {
    /// A scheme starts (or resumes) training.
    SchemeStarted {
        /// Scheme id.
        id: ModelId,
        /// Epochs already done (from a checkpoint).
        epochs_done: usize,
        /// Epochs in total.
        epochs: usize,
        /// SGD steps per epoch.
        batches: usize,
    },
    /// One SGD step finished.
    BatchDone {
        /// Scheme id.
        id: ModelId,
        /// 1-based epoch.
        epoch: usize,
        /// 1-based step within the epoch.
        batch: usize,
    },
    /// One epoch finished and was checkpointed.
    EpochDone {
        /// Scheme id.
        id: ModelId,
        /// 1-based epoch.
        epoch: usize,
        /// Its learning rate.
        lr: f64,
        /// Its losses and accuracy.
        stats: EpochStats,
        /// Wall time of the epoch, evaluation included.
        secs: f64,
    },
    /// A scheme finished, was already finished, or failed.
    SchemeFinished {
        /// Scheme id.
        id: ModelId,
        /// What happened.
        outcome: SchemeOutcome,
    },
}

/// How one scheme's training ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemeOutcome {
    /// Trained `epochs_run` epochs in this run and is now finished.
    Trained {
        /// Epochs run now (fewer than the total after a resume).
        epochs_run: usize,
    },
    /// Its log was already complete; nothing was run.
    AlreadyDone,
    /// It failed (diverged, bad scheme, I/O); others carry on.
    Failed(String),
}

/// Where a scheme's outputs go inside the run folder.
pub struct SchemePaths {
    /// `scheme_{id}.txt`, the log in the paper's format.
    pub log: PathBuf,
    /// `checkpoints/scheme_{id}.ckpt`.
    pub checkpoint: PathBuf,
    /// `checkpoints/scheme_{id}.diverged`, present when the run diverged
    /// ([`checkpoint::DivergedMarker`]).
    pub diverged: PathBuf,
}

impl SchemePaths {
    /// The paths of scheme `id` under `out_dir`.
    pub fn new(out_dir: &Path, id: ModelId) -> SchemePaths {
        let ckpt = out_dir.join("checkpoints");
        SchemePaths {
            log: out_dir.join(format!("scheme_{id}.txt")),
            checkpoint: ckpt.join(format!("scheme_{id}.ckpt")),
            diverged: ckpt.join(format!("scheme_{id}.diverged")),
        }
    }
}

/// Trains one scheme to `config.epochs()`, resuming from its checkpoint, and
/// returns the number of epochs run now (0 when it was already finished).
///
/// A checkpoint written by another build ([`crate::CODE_ID`]) is refused, or
/// with `resume_stale` ignored: the scheme is trained again from scratch.
pub fn train_scheme(
    job: &SchemeJob,
    data: &DeviceData<'_>,
    config: &TrainValidConfig,
    out_dir: &Path,
    resume_stale: bool,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<usize> {
    let paths = SchemePaths::new(out_dir, job.id);
    let stale = |build: String| Error::StaleCheckpoints {
        dir: paths.checkpoint.parent().unwrap_or(out_dir).to_path_buf(),
        ids: vec![job.id],
        build,
    };
    // A divergence seen by this build is final; one seen by another build is
    // stale like its checkpoint: refused, or under `resume_stale` retrained
    // from scratch (the checkpoint beside it is of that diverging run).
    let mut from_scratch = false;
    if let Some(marker) = checkpoint::DivergedMarker::load(&paths.diverged)? {
        match marker.stale_build() {
            None => {
                return Err(Error::Scheme {
                    id: job.id,
                    message: format!("{} (earlier run)", marker.reason),
                })
            }
            Some(build) if !resume_stale => return Err(stale(build)),
            Some(_) => {
                std::fs::remove_file(&paths.diverged).map_err(Error::io(&paths.diverged))?;
                from_scratch = true;
            }
        }
    }
    // Everything this job does on a GPU, model upload included, goes to its own stream.
    let _stream = gpu::job_stream(data.device())?;
    let recipe = recipe(job, data, config);
    let mut loaded = if from_scratch {
        None
    } else {
        checkpoint::load(&paths.checkpoint)?
    };
    if let Some(build) = loaded.as_ref().and_then(|l| l.stale_build()) {
        if !resume_stale {
            return Err(stale(build));
        }
        loaded = None;
    }
    if let Some(l) = &loaded {
        l.check_recipe(&paths.checkpoint, &recipe)?;
        if l.meta.epochs.len() >= config.epochs() {
            write_file(&paths.log, l.meta.log.text().as_bytes())?;
            return Ok(0);
        }
    }
    let (vs, net, params) = build_model(job, config.seed(), data.device())?;
    let mut sgd = Sgd::new(
        &vs,
        config.get().recipe.momentum,
        config.get().recipe.weight_decay,
    );
    let mut meta = match loaded {
        Some(l) => l.restore(&paths.checkpoint, &vs, &mut sgd)?,
        None => CheckpointMeta::new(
            recipe,
            PaperLog::start(
                &job.scheme,
                &device_name(data.device()),
                params as u64,
                job.macs,
            )?,
        ),
    };
    let first = meta.epochs.len() + 1;
    let batches = data.train_len().div_ceil(config.batch_size());
    let mut graphed = config
        .cuda_graphs()
        .then(|| GraphedStep::new(config.batch_size(), data.device()))
        .transpose()?;
    on_event(Event::SchemeStarted {
        id: job.id,
        epochs_done: first - 1,
        epochs: config.epochs(),
        batches,
    });
    for epoch in first..=config.epochs() {
        let start = Instant::now();
        let lr = lr_for_epoch(config, epoch);
        meta.log.epoch_started(epoch, lr)?;
        let on_batch = |batch| {
            on_event(Event::BatchDone {
                id: job.id,
                epoch,
                batch,
            })
        };
        let losses = train_epoch(
            &net,
            &mut sgd,
            data,
            config,
            (epoch, lr),
            graphed.as_mut(),
            &on_batch,
        )?;
        let stats = match epoch_stats(&losses, epoch, evaluate(&net, data)?) {
            Ok(s) => s,
            Err(e) => {
                let marker = checkpoint::DivergedMarker::new(e.to_string());
                write_file(&paths.diverged, marker.to_json().as_bytes())?;
                return Err(e);
            }
        };
        meta.log.epoch_finished(&stats)?;
        meta.epochs.push(stats);
        checkpoint::save(&paths.checkpoint, &meta, &vs, &sgd)?;
        write_file(&paths.log, meta.log.text().as_bytes())?;
        on_event(Event::EpochDone {
            id: job.id,
            epoch,
            lr,
            stats,
            secs: start.elapsed().as_secs_f64(),
        });
    }
    Ok(config.epochs() + 1 - first)
}

fn recipe(job: &SchemeJob, data: &DeviceData<'_>, config: &TrainValidConfig) -> RunKey {
    RunKey {
        scheme: serde_json::to_string(&job.scheme).expect("schemes serialize"),
        recipe: config.get().recipe.clone(),
        train_images: data.train_len(),
        test_images: data.test_len(),
    }
}

/// Builds and initialises the network on the CPU from the seed (so the init is the
/// same on every device), then moves it to `device`.
pub fn build_model(
    job: &SchemeJob,
    seed: u64,
    device: Device,
) -> Result<(nn::VarStore, SchemeNet, i64)> {
    let mut vs = nn::VarStore::new(Device::Cpu);
    let net = {
        let _lock = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        tch::manual_seed(seed as i64);
        SchemeNet::new(&vs.root(), job.id, &job.scheme)?
    };
    vs.set_device(device);
    let params = crate::model::num_params(&vs);
    Ok((vs, net, params))
}

/// The order of the training images in a 1-based epoch: a shuffle drawn from
/// the epoch's own ChaCha stream of the seed, so no RNG state outlives an epoch.
pub fn epoch_order(seed: u64, epoch: usize, len: usize) -> Vec<i64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(epoch as u64);
    let mut order: Vec<i64> = (0..len as i64).collect();
    order.shuffle(&mut rng);
    order
}

/// One pass over the shuffled training set (epoch, learning rate); returns the batch
/// losses. With `graphed`, full batches are replayed from a CUDA graph.
fn train_epoch(
    net: &SchemeNet,
    sgd: &mut Sgd,
    data: &DeviceData<'_>,
    config: &TrainValidConfig,
    (epoch, lr): (usize, f64),
    mut graphed: Option<&mut GraphedStep>,
    on_batch: &dyn Fn(usize),
) -> Result<Vec<f64>> {
    let (n, bs) = (data.train_len(), config.batch_size());
    let order =
        Tensor::f_from_slice(&epoch_order(config.seed(), epoch, n))?.f_to_device(data.device())?;
    let mut losses = Vec::with_capacity(n.div_ceil(bs));
    let mut eager = |idx: &Tensor, lr: Lr<'_>| train_step(net, sgd, data, idx, lr);
    for (b, start) in (0..n).step_by(bs).enumerate() {
        let idx = order.f_narrow(0, start as i64, bs.min(n - start) as i64)?;
        let loss = match graphed.as_deref_mut() {
            Some(g) => g.step(&idx, lr, &mut eager)?,
            None => eager(&idx, Lr::Value(lr))?,
        };
        losses.push(loss.f_detach()?);
        on_batch(b + 1);
    }
    // One device-to-host copy per epoch, not one per step.
    let all = Tensor::f_stack(&losses, 0)?
        .f_to_kind(Kind::Double)?
        .f_to_device(Device::Cpu)?;
    Ok(Vec::<f64>::try_from(all)?)
}

/// One SGD step on the training images at `idx`; returns the loss.
fn train_step(
    net: &SchemeNet,
    sgd: &mut Sgd,
    data: &DeviceData<'_>,
    idx: &Tensor,
    lr: Lr<'_>,
) -> Result<Tensor> {
    let x = normalise(&data.train.images.f_index_select(0, idx)?)?; // [B, 3, 32, 32]
    let y = data.train.labels.f_index_select(0, idx)?; // [B]
    sgd_step(net, sgd, &x, &y, lr)
}

/// One SGD step on the batch `x`, `y`; returns its loss. The step that
/// training runs is the step that `bench` times.
pub(crate) fn sgd_step(
    net: &SchemeNet,
    sgd: &mut Sgd,
    x: &Tensor,
    y: &Tensor,
    lr: Lr<'_>,
) -> Result<Tensor> {
    let loss = batch_loss(net, x, y)?;
    sgd.zero_grad()?;
    loss.f_backward()?;
    match lr {
        Lr::Value(lr) => sgd.step(lr)?,
        Lr::Tensor(lr) => sgd.step_lr_tensor(lr)?,
    }
    Ok(loss)
}

/// The recipe's training loss: mean cross-entropy of the logits in train mode.
pub(crate) fn batch_loss(net: &SchemeNet, x: &Tensor, y: &Tensor) -> Result<Tensor> {
    Ok(net.forward_t(x, true)?.f_cross_entropy_loss::<Tensor>(
        y,
        None,
        Reduction::Mean,
        -100,
        0.0,
    )?)
}

/// Test accuracy with BatchNorm in eval mode and no gradients.
fn evaluate(net: &SchemeNet, data: &DeviceData<'_>) -> Result<f64> {
    let _guard = tch::no_grad_guard();
    let n = data.test_len() as i64;
    let mut correct = Tensor::f_zeros([], (Kind::Int64, data.device()))?;
    for start in (0..n).step_by(EVAL_BATCH as usize) {
        let len = EVAL_BATCH.min(n - start);
        let x = normalise(&data.test.images.f_narrow(0, start, len)?)?;
        let logits = net.forward_t(&x, false)?;
        let hits = logits
            .f_argmax(-1, false)?
            .f_eq_tensor(&data.test.labels.f_narrow(0, start, len)?)?;
        correct = correct.f_add(&hits.f_sum(Kind::Int64)?)?;
    }
    Ok(correct.int64_value(&[]) as f64 / n as f64)
}

/// The epoch's record; a non-finite batch loss means the run diverged.
fn epoch_stats(losses: &[f64], epoch: usize, accuracy: f64) -> Result<EpochStats> {
    if let Some(&loss) = losses.iter().find(|l| !l.is_finite()) {
        return Err(Error::Diverged { epoch, loss });
    }
    match (loss_mean(losses), loss_median(losses)) {
        (Some(loss_mean), Some(loss_median)) => Ok(EpochStats {
            loss_mean,
            loss_median,
            accuracy,
        }),
        _ => Err(Error::Config("an epoch without training images".into())),
    }
}

/// How the log names a device: `cpu`, `cuda:0`.
pub fn device_name(device: Device) -> String {
    match device {
        Device::Cuda(k) => format!("cuda:{k}"),
        Device::Cpu => "cpu".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    // naap_output's temporary file follows the umask (tempfile's own is 0600,
    // which a colleague on shared storage cannot read).
    let mut tmp = naap_output::temp_in(dir).map_err(Error::io(dir))?;
    tmp.write_all(bytes).map_err(Error::io(path))?;
    tmp.persist(path).map_err(|e| Error::io(path)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_orders_are_permutations_that_differ_by_epoch() {
        let a = epoch_order(1, 1, 100);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert_eq!(a, epoch_order(1, 1, 100));
        assert_ne!(a, epoch_order(1, 2, 100));
        assert_ne!(a, epoch_order(2, 1, 100));
    }

    #[test]
    fn a_nan_loss_is_a_divergence() {
        let err = epoch_stats(&[1.0, f64::NAN], 4, 0.1).unwrap_err();
        assert_eq!(err.to_string(), "diverged in epoch 4: batch loss is NaN");
        assert_eq!(epoch_stats(&[1.0, 3.0], 1, 0.5).unwrap().loss_mean, 2.0);
    }
}
