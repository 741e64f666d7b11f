//! CUDA streams and graphs through the shim (cargo feature `cuda-shim`).
//!
//! Why: every job thread otherwise queues its kernels on the shared legacy default stream,
//! which serialises concurrent jobs; and a small network's training step is a few dozen
//! short kernels whose launch cost dominates, which one CUDA-graph replay removes.

use super::check;
use crate::Result;
use std::ffi::{c_char, c_int, c_void};
use std::marker::PhantomData;

extern "C" {
    fn naap_cuda_stream_enter(
        device: c_int,
        prev_id: *mut i64,
        prev_device: *mut c_int,
        prev_type: *mut c_int,
    ) -> *mut c_char;
    fn naap_cuda_stream_restore(id: i64, device: c_int, kind: c_int) -> *mut c_char;
    fn naap_cuda_graph_new(graph: *mut *mut c_void) -> *mut c_char;
    fn naap_cuda_graph_free(graph: *mut c_void);
    fn naap_cuda_graph_capture_begin(graph: *mut c_void) -> *mut c_char;
    fn naap_cuda_graph_capture_end(graph: *mut c_void) -> *mut c_char;
    fn naap_cuda_graph_replay(graph: *mut c_void) -> *mut c_char;
}

/// While alive, the calling thread's current stream on one device is a stream of its own
/// from libtorch's pool; dropping it restores the previous one. Not `Send`: the current
/// stream is per thread.
pub struct JobStream {
    previous: (i64, c_int, c_int),
    _per_thread: PhantomData<*const ()>,
}

impl JobStream {
    /// Switches this thread to a pool stream on CUDA device `device`.
    pub fn enter(device: usize) -> Result<JobStream> {
        let mut previous = (0i64, 0 as c_int, 0 as c_int);
        // SAFETY: plain out-parameters.
        check(unsafe {
            naap_cuda_stream_enter(
                device as c_int,
                &mut previous.0,
                &mut previous.1,
                &mut previous.2,
            )
        })?;
        Ok(JobStream {
            previous,
            _per_thread: PhantomData,
        })
    }
}

impl Drop for JobStream {
    fn drop(&mut self) {
        let (id, device, kind) = self.previous;
        // SAFETY: the stream description came from libtorch; a failure leaves the pool
        // stream current, which is harmless for a thread whose job has ended.
        let _ = check(unsafe { naap_cuda_stream_restore(id, device, kind) });
    }
}

/// A captured sequence of CUDA work (libtorch's `at::cuda::CUDAGraph`), replayed with
/// one launch. Tensors used inside keep their addresses: inputs are copied into static
/// tensors before each replay, outputs read from the tensors made during capture.
pub struct CudaGraph {
    graph: *mut c_void,
}

impl CudaGraph {
    /// An empty graph.
    pub fn new() -> Result<CudaGraph> {
        let mut graph = std::ptr::null_mut();
        // SAFETY: out-parameter; the pointer is owned by the returned value.
        check(unsafe { naap_cuda_graph_new(&mut graph) })?;
        Ok(CudaGraph { graph })
    }

    /// Records the CUDA work `f` issues on this thread's current stream (which must not be
    /// the default stream: enter a [`JobStream`] first). Nothing runs during capture:
    /// [`CudaGraph::replay`] runs it. Capture is thread-local, so other job threads may
    /// keep working meanwhile.
    pub fn capture<T>(&mut self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        // SAFETY: a live graph owned by self.
        check(unsafe { naap_cuda_graph_capture_begin(self.graph) })?;
        let out = f();
        // End the capture even when `f` failed, so the stream leaves capture mode.
        let ended = check(unsafe { naap_cuda_graph_capture_end(self.graph) });
        let out = out?;
        ended?;
        Ok(out)
    }

    /// Runs the captured work once more, on the current stream.
    pub fn replay(&self) -> Result<()> {
        // SAFETY: a live graph owned by self.
        check(unsafe { naap_cuda_graph_replay(self.graph) })
    }
}

impl Drop for CudaGraph {
    fn drop(&mut self) {
        // SAFETY: created by naap_cuda_graph_new, freed once.
        unsafe { naap_cuda_graph_free(self.graph) }
    }
}
