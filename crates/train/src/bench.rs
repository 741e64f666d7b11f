//! Train-step throughput: images per second of forward, backward and SGD
//! update on random batches, the number compared against PyTorch eager.

use crate::{build_model, Result, SchemeJob, Sgd};
use std::time::Instant;
use tch::{Device, Kind, Reduction, Tensor};

/// Images per second of `steps` timed train steps after `warmup` untimed ones.
pub fn train_step_throughput(
    job: &SchemeJob,
    device: Device,
    batch_size: usize,
    warmup: usize,
    steps: usize,
) -> Result<f64> {
    let (vs, net, _) = build_model(job, 0, device)?;
    let mut sgd = Sgd::new(&vs, 0.9, 1e-4);
    let bs = batch_size as i64;
    let x = Tensor::f_randn([bs, 3, 32, 32], (Kind::Float, device))?;
    let y = Tensor::f_randint(10, [bs], (Kind::Int64, device))?;
    let mut step = || -> Result<Tensor> {
        let loss = net.forward_t(&x, true)?.f_cross_entropy_loss::<Tensor>(
            &y,
            None,
            Reduction::Mean,
            -100,
            0.0,
        )?;
        sgd.zero_grad();
        loss.f_backward()?;
        sgd.step(0.01)?;
        Ok(loss)
    };
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
