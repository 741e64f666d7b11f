//! Train-step throughput: images per second of forward, backward and SGD
//! update on random batches, the number compared against PyTorch eager; and the
//! ATen ops one such step dispatches.

use crate::shim::{count_ops, Lr, OpCounts};
use crate::trainer::{batch_loss, sgd_step};
use crate::{build_model, Result, SchemeJob, Sgd, SgdKernel};
use std::time::Instant;
use tch::{Device, Kind, Tensor};

/// Images per second of `steps` timed train steps after `warmup` untimed ones, with
/// the SGD `kernel` (`None`: the device's default).
pub fn train_step_throughput(
    job: &SchemeJob,
    device: Device,
    batch_size: usize,
    (warmup, steps): (usize, usize),
    kernel: Option<SgdKernel>,
) -> Result<f64> {
    let (vs, net, _) = build_model(job, 0, device)?;
    let kernel = kernel.unwrap_or(SgdKernel::for_device(device));
    let mut sgd = Sgd::with_kernel(&vs, 0.9, 1e-4, kernel);
    let bs = batch_size as i64;
    let x = Tensor::f_randn([bs, 3, 32, 32], (Kind::Float, device))?;
    let y = Tensor::f_randint(10, [bs], (Kind::Int64, device))?;
    let mut step = || sgd_step(&net, &mut sgd, &x, &y, Lr::Value(0.01));
    for _ in 0..warmup {
        let _ = step()?;
    }
    sync(device);
    let start = Instant::now();
    let mut last = None;
    for _ in 0..steps {
        last = Some(step()?);
    }
    // Reading the last loss waits for queued GPU work to finish.
    if let Some(l) = last {
        l.double_value(&[]);
    }
    sync(device);
    Ok((steps * batch_size) as f64 / start.elapsed().as_secs_f64())
}

fn sync(device: Device) {
    if let Device::Cuda(k) = device {
        tch::Cuda::synchronize(k as i64);
    }
}

/// ATen ops of one training step, by phase (see [`crate::shim::count_ops`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepOps {
    /// Clearing the gradients.
    pub zero_grad: OpCounts,
    /// Forward pass and loss.
    pub forward: OpCounts,
    /// Backward pass.
    pub backward: OpCounts,
    /// The SGD update.
    pub update: OpCounts,
}

impl StepOps {
    /// The whole step.
    pub fn total(&self) -> OpCounts {
        let phases = [self.zero_grad, self.forward, self.backward, self.update];
        OpCounts {
            top_level: phases.iter().map(|c| c.top_level).sum(),
            all: phases.iter().map(|c| c.all).sum(),
        }
    }
}

/// The ATen ops that one steady-state training step of `job` dispatches with `kernel`
/// (counted on the third step, so momentum buffers exist as in every later step), and
/// the number of parameter tensors.
pub fn train_step_ops(
    job: &SchemeJob,
    device: Device,
    batch_size: usize,
    kernel: SgdKernel,
) -> Result<(StepOps, usize)> {
    let (vs, net, _) = build_model(job, 0, device)?;
    let mut sgd = Sgd::with_kernel(&vs, 0.9, 1e-4, kernel);
    let bs = batch_size as i64;
    let x = Tensor::f_randn([bs, 3, 32, 32], (Kind::Float, device))?;
    let y = Tensor::f_randint(10, [bs], (Kind::Int64, device))?;
    let mut ops = StepOps::default();
    for _ in 0..3 {
        ops.zero_grad = count_ops(|| sgd.zero_grad())?.1;
        let (loss, forward) = count_ops(|| batch_loss(&net, &x, &y))?;
        ops.forward = forward;
        ops.backward = count_ops(|| Ok(loss.f_backward()?))?.1;
        ops.update = count_ops(|| sgd.step(0.01))?.1;
    }
    Ok((ops, vs.trainable_variables().len()))
}
