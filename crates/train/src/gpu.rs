//! GPU execution of the training loop (cargo feature `cuda-shim`): a CUDA stream per
//! job, and the training step captured once as a CUDA graph and then replayed.
//!
//! Why: these networks are small, so on a GPU a step is a few dozen short kernels whose
//! launch cost dominates, and jobs sharing the legacy default stream run one after
//! another. Without the feature, jobs use the default stream and graphs cannot be asked
//! for ([`crate::TrainConfig::cuda_graphs`] is refused at validation).

use crate::shim::Lr;
use crate::Result;
use tch::{Device, Tensor};

#[cfg(feature = "cuda-shim")]
pub use enabled::{job_stream, GraphedStep};

#[cfg(not(feature = "cuda-shim"))]
pub use disabled::{job_stream, GraphedStep};

/// One eager training step on the batch of images at the given indices, with the given
/// learning rate; returns the loss (a 0-d tensor on the device).
pub type EagerStep<'a> = dyn FnMut(&Tensor, Lr<'_>) -> Result<Tensor> + 'a;

#[cfg(feature = "cuda-shim")]
mod enabled {
    use super::*;
    use crate::shim::cuda::{CudaGraph, JobStream};
    use tch::Kind;

    /// Eager steps before the capture: libtorch's lazy set-up (cuDNN and cuBLAS handles,
    /// workspaces, the momentum buffers) must be done before recording, as PyTorch's
    /// whole-network capture example does with its warm-up iterations.
    const WARMUP_STEPS: usize = 3;

    /// Makes a pool stream current on this thread while the job runs on `device`
    /// (`None` on the CPU).
    pub fn job_stream(device: Device) -> Result<Option<JobStream>> {
        match device {
            Device::Cuda(k) => Ok(Some(JobStream::enter(k)?)),
            _ => Ok(None),
        }
    }

    /// The training step of one scheme as a CUDA graph over static tensors: the batch's
    /// indices and the learning rate are copied in before each replay, the loss read out
    /// after. Full batches only (a graph has fixed shapes): the last, smaller batch of an
    /// epoch runs eagerly on the same parameters and buffers.
    pub struct GraphedStep {
        batch_size: i64,
        idx: Tensor,
        lr: Tensor,
        captured: Option<(CudaGraph, Tensor)>,
        eager_left: usize,
    }

    impl GraphedStep {
        /// Static inputs for batches of `batch_size` on `device` (a CUDA device; the
        /// caller runs inside a [`JobStream`], since capture needs a non-default stream).
        pub fn new(batch_size: usize, device: Device) -> Result<GraphedStep> {
            Ok(GraphedStep {
                batch_size: batch_size as i64,
                idx: Tensor::f_zeros([batch_size as i64], (Kind::Int64, device))?,
                lr: Tensor::f_zeros([], (Kind::Float, device))?,
                captured: None,
                eager_left: WARMUP_STEPS,
            })
        }

        /// One training step on the images at `idx` with learning rate `lr`: eager while
        /// warming up or for a partial batch, else a replay (capturing `step` first).
        pub fn step(&mut self, idx: &Tensor, lr: f64, step: &mut EagerStep<'_>) -> Result<Tensor> {
            if self.eager_left > 0 || idx.size()[0] != self.batch_size {
                self.eager_left = self.eager_left.saturating_sub(1);
                return step(idx, Lr::Value(lr));
            }
            self.idx.f_copy_(idx)?;
            let _ = self.lr.f_fill_(lr)?;
            if self.captured.is_none() {
                let mut graph = CudaGraph::new()?;
                let (idx, lr) = (&self.idx, &self.lr);
                // Recording runs nothing: the replay below performs this step.
                let loss = graph.capture(|| step(idx, Lr::Tensor(lr)))?;
                self.captured = Some((graph, loss));
            }
            let (graph, loss) = self.captured.as_ref().expect("captured above");
            graph.replay()?;
            // The captured loss is overwritten by the next replay.
            Ok(loss.f_detach_copy()?)
        }
    }
}

#[cfg(not(feature = "cuda-shim"))]
mod disabled {
    use super::*;

    /// Without the shim, jobs share the default stream: nothing to enter.
    pub fn job_stream(_device: Device) -> Result<Option<()>> {
        Ok(None)
    }

    /// No value of this type exists without the `cuda-shim` feature (config validation
    /// refuses `cuda_graphs`), so an `Option<GraphedStep>` is always `None`.
    pub enum GraphedStep {}

    impl GraphedStep {
        /// Cannot be called: there is no value.
        pub fn new(_batch_size: usize, _device: Device) -> Result<GraphedStep> {
            Err(crate::Error::Config(
                "cuda_graphs needs naap-train built with the cuda-shim feature".into(),
            ))
        }

        /// Cannot be called: there is no value.
        pub fn step(
            &mut self,
            _idx: &Tensor,
            _lr: f64,
            _step: &mut EagerStep<'_>,
        ) -> Result<Tensor> {
            match *self {}
        }
    }
}
