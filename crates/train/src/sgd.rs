//! SGD with momentum and weight decay, with PyTorch's semantics
//! (`torch.optim.SGD`, no dampening, no Nesterov):
//! `d = g + wd·p; buf = m·buf + d` (`buf = d` on the first step); `p -= lr·buf`.
//!
//! Written here rather than through tch's optimizer because its momentum
//! buffers must go into the checkpoint for an exact resume.
//!
//! Three kernels compute that step (see [`SgdKernel`]); the multi-tensor ones go through
//! the C++ shim ([`crate::shim`]) and drop the gradients instead of zeroing them. The
//! per-tensor one is the earlier step, kept as the reference the others are tested against
//! and for counting ops (`examples/op_count.rs`).

use crate::shim::{self, Lr};
use crate::Result;
use tch::{nn, Tensor};

/// How [`Sgd::step`] computes the update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SgdKernel {
    /// Six `_foreach_*` ops for all parameters, bit-equal to `PerTensor` on the CPU, so
    /// runs keep their logs; gradients set to none. The CPU default.
    Foreach,
    /// One `_fused_sgd_` op for all parameters (fewest GPU launches); on the CPU it rounds
    /// differently from `PerTensor` by a few ulp. Gradients set to none. The CUDA default.
    Fused,
    /// Six ops per parameter (mul, add, mul_, add_, mul, sub_); gradients zeroed (two
    /// more ops each). The step before the shim.
    PerTensor,
}

impl SgdKernel {
    /// The default for a device: bit-stable logs on the CPU, fewest launches on a GPU.
    pub fn for_device(device: tch::Device) -> SgdKernel {
        match device {
            tch::Device::Cpu => SgdKernel::Foreach,
            _ => SgdKernel::Fused,
        }
    }
}

/// The optimizer over a var store's trainable variables, in name order.
pub struct Sgd {
    params: Vec<(String, Tensor)>,
    buffers: Vec<Option<Tensor>>,
    momentum: f64,
    weight_decay: f64,
    kernel: SgdKernel,
}

impl Sgd {
    /// An optimizer over every trainable variable of `vs`, with the default kernel of
    /// its device.
    pub fn new(vs: &nn::VarStore, momentum: f64, weight_decay: f64) -> Sgd {
        Sgd::with_kernel(
            vs,
            momentum,
            weight_decay,
            SgdKernel::for_device(vs.device()),
        )
    }

    /// An optimizer over every trainable variable of `vs`, with the given kernel.
    pub fn with_kernel(
        vs: &nn::VarStore,
        momentum: f64,
        weight_decay: f64,
        kernel: SgdKernel,
    ) -> Sgd {
        let mut params: Vec<(String, Tensor)> = vs
            .variables()
            .into_iter()
            .filter(|(_, t)| t.requires_grad())
            .collect();
        params.sort_by(|a, b| a.0.cmp(&b.0));
        let buffers = params.iter().map(|_| None).collect();
        Sgd {
            params,
            buffers,
            momentum,
            weight_decay,
            kernel,
        }
    }

    /// Clears the gradients before a backward pass.
    pub fn zero_grad(&mut self) -> Result<()> {
        match self.kernel {
            SgdKernel::Foreach | SgdKernel::Fused => {
                let params: Vec<&Tensor> = self.params.iter().map(|(_, p)| p).collect();
                shim::clear_grads(&params)
            }
            SgdKernel::PerTensor => {
                for (_, p) in &mut self.params {
                    p.zero_grad();
                }
                Ok(())
            }
        }
    }

    /// One update with learning rate `lr` from the current gradients.
    pub fn step(&mut self, lr: f64) -> Result<()> {
        match self.kernel {
            SgdKernel::Foreach => self.foreach_step(lr),
            SgdKernel::Fused => self.fused_step(Lr::Value(lr)),
            SgdKernel::PerTensor => self.per_tensor_step(lr),
        }
    }

    /// One fused update whose learning rate is read from a 0-d tensor on the
    /// parameters' device when the step runs (for a captured CUDA graph).
    /// Only the fused kernel reads a tensor learning rate.
    pub fn step_lr_tensor(&mut self, lr: &Tensor) -> Result<()> {
        match self.kernel {
            SgdKernel::Fused => self.fused_step(Lr::Tensor(lr)),
            other => Err(crate::Error::Config(format!(
                "a tensor learning rate needs the fused SGD kernel, not {other:?}"
            ))),
        }
    }

    /// Parameters without a gradient are left alone, as in the per-tensor step.
    fn foreach_step(&mut self, lr: f64) -> Result<()> {
        let _guard = tch::no_grad_guard();
        let grads: Vec<Tensor> = self.params.iter().map(|(_, p)| p.grad()).collect();
        let with_grad: Vec<usize> = (0..grads.len()).filter(|&i| grads[i].defined()).collect();
        let params: Vec<&Tensor> = with_grad.iter().map(|&i| &self.params[i].1).collect();
        let grad_refs: Vec<&Tensor> = with_grad.iter().map(|&i| &grads[i]).collect();
        let mut buffers: Vec<Option<Tensor>> =
            with_grad.iter().map(|&i| self.buffers[i].take()).collect();
        let result = shim::foreach_sgd_step(
            &params,
            &grad_refs,
            &mut buffers,
            self.weight_decay,
            self.momentum,
            lr,
        );
        // Put the buffers back even after an error, so the optimizer stays whole.
        for (&i, b) in with_grad.iter().zip(buffers) {
            self.buffers[i] = b;
        }
        result
    }

    /// Parameters with a gradient go in two groups, those with a momentum buffer and those
    /// without (their first step: the buffer is allocated and set to `d`); each group is one
    /// `_fused_sgd_` call.
    fn fused_step(&mut self, lr: Lr<'_>) -> Result<()> {
        let _guard = tch::no_grad_guard();
        let grads: Vec<Tensor> = self.params.iter().map(|(_, p)| p.grad()).collect();
        let mut first = vec![false; grads.len()];
        for ((grad, buf), first) in grads.iter().zip(&mut self.buffers).zip(&mut first) {
            if grad.defined() && buf.is_none() {
                *buf = Some(grad.f_empty_like()?);
                *first = true;
            }
        }
        let grads: Vec<_> = self
            .params
            .iter()
            .zip(&grads)
            .zip(&self.buffers)
            .zip(first)
            .filter_map(|(((p, g), b), first)| Some((&p.1, g, b.as_ref()?, first)))
            .filter(|(_, g, _, _)| g.defined())
            .collect();
        for first in [true, false] {
            let group: Vec<_> = grads.iter().filter(|g| g.3 == first).collect();
            if group.is_empty() {
                continue;
            }
            let params: Vec<&Tensor> = group.iter().map(|g| g.0).collect();
            let grads: Vec<&Tensor> = group.iter().map(|g| g.1).collect();
            let buffers: Vec<&Tensor> = group.iter().map(|g| g.2).collect();
            shim::fused_sgd_step(
                &params,
                &grads,
                &buffers,
                self.weight_decay,
                self.momentum,
                lr,
                first,
            )?;
        }
        Ok(())
    }

    fn per_tensor_step(&mut self, lr: f64) -> Result<()> {
        let _guard = tch::no_grad_guard();
        for ((_, p), buf) in self.params.iter_mut().zip(&mut self.buffers) {
            let grad = p.grad();
            if !grad.defined() {
                continue;
            }
            let d = grad.f_add(&p.f_mul_scalar(self.weight_decay)?)?;
            let b = match buf.take() {
                Some(mut b) => {
                    // In-place ops return an alias of `b` itself; nothing to keep.
                    let _ = b.f_mul_scalar_(self.momentum)?.f_add_(&d)?;
                    b
                }
                // `d` is a fresh tensor, not a view of the gradient, so it can become the buffer.
                None => d,
            };
            let _ = p.f_sub_(&b.f_mul_scalar(lr)?)?;
            *buf = Some(b);
        }
        Ok(())
    }

    /// The momentum buffers by parameter name, for a checkpoint.
    pub fn buffers(&self) -> Vec<(String, Tensor)> {
        self.params
            .iter()
            .zip(&self.buffers)
            .filter_map(|((n, _), b)| b.as_ref().map(|b| (n.clone(), b.shallow_clone())))
            .collect()
    }

    /// Restores momentum buffers saved by [`Sgd::buffers`]; unknown names are ignored.
    pub fn set_buffers(&mut self, saved: Vec<(String, Tensor)>) -> Result<()> {
        for (name, t) in saved {
            if let Some(i) = self.params.iter().position(|(n, _)| *n == name) {
                let device = self.params[i].1.device();
                self.buffers[i] = Some(t.f_to_device(device)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    #[test]
    fn every_kernel_matches_pytorch_sgd_by_hand() {
        for kernel in [SgdKernel::Foreach, SgdKernel::Fused, SgdKernel::PerTensor] {
            let vs = nn::VarStore::new(Device::Cpu);
            let w = vs.root().var("w", &[1], nn::Init::Const(1.0));
            let mut opt = Sgd::with_kernel(&vs, 0.9, 0.1, kernel);
            // loss = 2w: gradient 2 at every step.
            for _ in 0..2 {
                opt.zero_grad().unwrap();
                (&w * 2.0).sum(Kind::Float).backward();
                opt.step(0.5).unwrap();
            }
            // step 1: d = 2 + 0.1·1 = 2.1, buf = 2.1, w = 1 - 1.05 = -0.05
            // step 2: d = 2 + 0.1·(-0.05) = 1.995, buf = 0.9·2.1 + 1.995 = 3.885, w = -0.05 - 1.9425
            let got = w.double_value(&[0]);
            assert!((got - (-1.9925)).abs() < 1e-6, "{kernel:?}: {got}");
            assert_eq!(opt.buffers().len(), 1);
            let buf = opt.buffers()[0].1.double_value(&[0]);
            assert!((buf - 3.885).abs() < 1e-6, "{kernel:?}: {buf}");
        }
    }

    /// Three variables of different shapes, one without a gradient in the first step.
    fn model(kernel: SgdKernel) -> (nn::VarStore, Vec<Tensor>, Sgd) {
        tch::manual_seed(5);
        let vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let ws = vec![
            root.var(
                "a",
                &[7, 3],
                nn::Init::Randn {
                    mean: 0.,
                    stdev: 1.,
                },
            ),
            root.var(
                "b",
                &[3],
                nn::Init::Randn {
                    mean: 0.,
                    stdev: 1.,
                },
            ),
            root.var(
                "c",
                &[3, 2],
                nn::Init::Randn {
                    mean: 0.,
                    stdev: 1.,
                },
            ),
        ];
        let opt = Sgd::with_kernel(&vs, 0.9, 1e-4, kernel);
        (vs, ws, opt)
    }

    fn run(kernel: SgdKernel, steps: usize) -> (Vec<Tensor>, Vec<(String, Tensor)>) {
        let (_vs, ws, mut opt) = model(kernel);
        tch::manual_seed(11);
        for step in 0..steps {
            let x = Tensor::randn([5, 7], (Kind::Float, Device::Cpu));
            let h = (x.matmul(&ws[0]) + &ws[1]).relu();
            // "c" joins the loss from the second step: its buffer starts one step later.
            let loss = if step == 0 {
                h.square().mean(Kind::Float)
            } else {
                h.matmul(&ws[2]).square().mean(Kind::Float)
            };
            opt.zero_grad().unwrap();
            loss.backward();
            opt.step(if step < 3 { 0.1 } else { 0.01 }).unwrap();
        }
        (ws, opt.buffers())
    }

    #[test]
    fn the_foreach_step_is_bit_equal_to_the_per_tensor_step() {
        let (foreach, foreach_bufs) = run(SgdKernel::Foreach, 6);
        let (reference, reference_bufs) = run(SgdKernel::PerTensor, 6);
        for (f, r) in foreach.iter().zip(&reference) {
            assert!(f.equal(r), "parameters differ: {f} vs {r}");
        }
        assert_eq!(foreach_bufs.len(), 3);
        for ((nf, f), (nr, r)) in foreach_bufs.iter().zip(&reference_bufs) {
            assert_eq!(nf, nr);
            assert!(f.equal(r), "buffer {nf} differs");
        }
        let (start, _) = run(SgdKernel::Foreach, 0);
        for (w, s) in foreach.iter().zip(&start) {
            assert!(!w.equal(s), "a parameter did not move");
        }
    }

    /// The fused kernel rounds differently: equal to a few float32 ulp of each value.
    #[test]
    fn the_fused_step_equals_the_per_tensor_step() {
        let (fused, fused_bufs) = run(SgdKernel::Fused, 6);
        let (reference, reference_bufs) = run(SgdKernel::PerTensor, 6);
        let close = |f: &Tensor, r: &Tensor, what: &str| {
            let diff = (f - r).abs().max().double_value(&[]);
            let scale = r.abs().max().double_value(&[]);
            assert!(
                diff <= 1e-6 * scale.max(1.0),
                "{what} differs by {diff} (scale {scale})"
            );
        };
        for (f, r) in fused.iter().zip(&reference) {
            close(f, r, "a parameter");
        }
        assert_eq!(fused_bufs.len(), 3);
        for ((nf, f), (nr, r)) in fused_bufs.iter().zip(&reference_bufs) {
            assert_eq!(nf, nr);
            close(f, r, nf);
        }
        let (start, _) = run(SgdKernel::Fused, 0);
        for (w, s) in fused.iter().zip(&start) {
            assert!(!w.equal(s), "a parameter did not move");
        }
    }
}
