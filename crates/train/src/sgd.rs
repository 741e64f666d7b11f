//! SGD with momentum and weight decay, with PyTorch's semantics
//! (`torch.optim.SGD`, no dampening, no Nesterov):
//! `d = g + wd·p; buf = m·buf + d` (`buf = d` on the first step); `p -= lr·buf`.
//!
//! Written here rather than through tch's optimizer because its momentum
//! buffers must go into the checkpoint for an exact resume.

use crate::Result;
use tch::{nn, Tensor};

/// The optimizer over a var store's trainable variables, in name order.
pub struct Sgd {
    params: Vec<(String, Tensor)>,
    buffers: Vec<Option<Tensor>>,
    momentum: f64,
    weight_decay: f64,
}

impl Sgd {
    /// An optimizer over every trainable variable of `vs`.
    pub fn new(vs: &nn::VarStore, momentum: f64, weight_decay: f64) -> Sgd {
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
        }
    }

    /// Clears the gradients before a backward pass.
    pub fn zero_grad(&mut self) {
        for (_, p) in &mut self.params {
            p.zero_grad();
        }
    }

    /// One update with learning rate `lr` from the current gradients.
    pub fn step(&mut self, lr: f64) -> Result<()> {
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
    use tch::Device;

    #[test]
    fn matches_pytorch_sgd_by_hand() {
        let vs = nn::VarStore::new(Device::Cpu);
        let w = vs.root().var("w", &[1], nn::Init::Const(1.0));
        let mut opt = Sgd::new(&vs, 0.9, 0.1);
        // loss = 2w: gradient 2 at every step.
        for _ in 0..2 {
            opt.zero_grad();
            (&w * 2.0).sum(tch::Kind::Float).backward();
            opt.step(0.5).unwrap();
        }
        // step 1: d = 2 + 0.1·1 = 2.1, buf = 2.1, w = 1 - 1.05 = -0.05
        // step 2: d = 2 + 0.1·(-0.05) = 1.995, buf = 0.9·2.1 + 1.995 = 3.885, w = -0.05 - 1.9425
        let got = w.double_value(&[0]);
        assert!((got - (-1.9925)).abs() < 1e-6, "{got}");
        assert_eq!(opt.buffers().len(), 1);
    }
}
