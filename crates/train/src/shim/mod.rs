//! Safe wrappers over the C++ shim in `csrc/` (compiled by build.rs against the same
//! libtorch): libtorch ops that tch 0.24 does not bind.
//!
//! Each C function returns null or an error message it allocated; [`check`] turns that
//! into [`Error::Torch`]. Tensor handles are tch's `*mut C_tensor`, i.e. `at::Tensor*`.

#[cfg(feature = "cuda-shim")]
pub mod cuda;

use crate::{Error, Result};
use std::ffi::{c_char, c_int, CStr};
use tch::Tensor;
use torch_sys::C_tensor;

extern "C" {
    fn naap_free_error(message: *mut c_char);
    fn naap_foreach_sgd_step(
        params: *const *mut C_tensor,
        grads: *const *mut C_tensor,
        buffers: *mut *mut C_tensor,
        n: usize,
        weight_decay: f64,
        momentum: f64,
        lr: f64,
    ) -> *mut c_char;
    fn naap_fused_sgd_step(
        params: *const *mut C_tensor,
        grads: *const *mut C_tensor,
        buffers: *const *mut C_tensor,
        n: usize,
        weight_decay: f64,
        momentum: f64,
        lr: f64,
        lr_tensor: *mut C_tensor,
        is_first_step: c_int,
    ) -> *mut c_char;
    fn naap_clear_grads(params: *const *mut C_tensor, n: usize) -> *mut c_char;
    fn naap_op_counter_start() -> *mut c_char;
    fn naap_op_counter_stop(top_level: *mut u64, all: *mut u64) -> *mut c_char;
}

/// Turns a shim return value into a result, freeing the message.
pub(crate) fn check(message: *mut c_char) -> Result<()> {
    if message.is_null() {
        return Ok(());
    }
    // SAFETY: a non-null return is a NUL-terminated string from strdup, freed once here.
    let text = unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned();
    unsafe { naap_free_error(message) };
    Err(Error::Torch(tch::TchError::Torch(text)))
}

fn handles(tensors: &[&Tensor]) -> Vec<*mut C_tensor> {
    tensors
        .iter()
        .map(|t| t.as_ptr() as *mut C_tensor)
        .collect()
}

/// The learning rate of a fused step: a number, or a one-element tensor on the
/// parameters' device (read when the step runs, so a captured CUDA graph follows it).
#[derive(Clone, Copy)]
pub enum Lr<'a> {
    /// A constant.
    Value(f64),
    /// A 0-d float tensor.
    Tensor(&'a Tensor),
}

/// One multi-tensor SGD step issued as six `_foreach_*` ops for all parameters, the same
/// arithmetic in the same order as the per-tensor step (bit-equal on the CPU):
/// `d = g + wd·p`; `b = m·b + d`, or `b = d` where `buffers[i]` is `None` (it is then
/// filled in); `p -= lr·b`. Parameters and existing buffers are updated in place.
pub fn foreach_sgd_step(
    params: &[&Tensor],
    grads: &[&Tensor],
    buffers: &mut [Option<Tensor>],
    weight_decay: f64,
    momentum: f64,
    lr: f64,
) -> Result<()> {
    let n = params.len();
    if grads.len() != n || buffers.len() != n {
        return Err(lengths_differ(n, grads.len(), buffers.len()));
    }
    let (p, g) = (handles(params), handles(grads));
    let mut b: Vec<*mut C_tensor> = buffers
        .iter()
        .map(|b| {
            b.as_ref()
                .map_or(std::ptr::null_mut(), |t| t.as_ptr() as *mut C_tensor)
        })
        .collect();
    // SAFETY: live tensor handles for the call; the shim writes new handles only into
    // the null entries of `b`, and only when it succeeds.
    check(unsafe {
        naap_foreach_sgd_step(
            p.as_ptr(),
            g.as_ptr(),
            b.as_mut_ptr(),
            n,
            weight_decay,
            momentum,
            lr,
        )
    })?;
    for (slot, handle) in buffers.iter_mut().zip(b) {
        if slot.is_none() {
            // SAFETY: a fresh `new at::Tensor` from the shim, owned from here on.
            *slot = Some(unsafe { Tensor::from_ptr(handle) });
        }
    }
    Ok(())
}

fn lengths_differ(params: usize, grads: usize, buffers: usize) -> Error {
    Error::Config(format!(
        "multi-tensor SGD step: {params} parameters but {grads} gradients and {buffers} buffers"
    ))
}

/// One multi-tensor SGD step (libtorch's `_fused_sgd_`, no dampening, no Nesterov) over
/// equally long lists: `d = g + wd·p; b = d` if `is_first_step` else `b = m·b + d`;
/// `p -= lr·b`. Parameters, gradients and buffers are updated in place.
pub fn fused_sgd_step(
    params: &[&Tensor],
    grads: &[&Tensor],
    buffers: &[&Tensor],
    weight_decay: f64,
    momentum: f64,
    lr: Lr<'_>,
    is_first_step: bool,
) -> Result<()> {
    let n = params.len();
    if grads.len() != n || buffers.len() != n {
        return Err(lengths_differ(n, grads.len(), buffers.len()));
    }
    let (p, g, b) = (handles(params), handles(grads), handles(buffers));
    let (value, tensor) = match lr {
        Lr::Value(v) => (v, std::ptr::null_mut()),
        Lr::Tensor(t) => (0.0, t.as_ptr() as *mut C_tensor),
    };
    // SAFETY: the handles are live tch tensors borrowed for the call; the shim only
    // reads the handle arrays (n entries each) and mutates the tensors' data.
    check(unsafe {
        naap_fused_sgd_step(
            p.as_ptr(),
            g.as_ptr(),
            b.as_ptr(),
            n,
            weight_decay,
            momentum,
            value,
            tensor,
            c_int::from(is_first_step),
        )
    })
}

/// Drops the gradients of `params` (PyTorch's `zero_grad(set_to_none=True)`), so the
/// next backward writes them instead of adding to zeros: no ATen op per parameter.
pub fn clear_grads(params: &[&Tensor]) -> Result<()> {
    let p = handles(params);
    // SAFETY: live tensor handles for the duration of the call.
    check(unsafe { naap_clear_grads(p.as_ptr(), p.len()) })
}

/// ATen operators dispatched by one thread over a stretch of code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpCounts {
    /// Ops called while no other op ran on the thread (by the caller or by an autograd
    /// node): on a GPU, roughly the kernel launches.
    pub top_level: u64,
    /// All ops, those that composite ops call inside themselves included.
    pub all: u64,
}

/// Counts the ATen ops that `f` dispatches on this thread (through libtorch's
/// RecordFunction callbacks, as its profiler does).
pub fn count_ops<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, OpCounts)> {
    // SAFETY: plain calls; the counter state is thread-local on the C++ side.
    check(unsafe { naap_op_counter_start() })?;
    let out = f();
    let mut counts = OpCounts::default();
    check(unsafe { naap_op_counter_stop(&mut counts.top_level, &mut counts.all) })?;
    Ok((out?, counts))
}
