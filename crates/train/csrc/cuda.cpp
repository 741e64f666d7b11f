// CUDA streams and graphs for naap-train (cargo feature `cuda-shim`); host code only,
// compiled with the C++ compiler against libtorch's and the CUDA runtime's headers.
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAStream.h>

#include "common.h"
#include "shim.h"

extern "C" {

// Makes a stream from libtorch's pool the calling thread's current stream on `device`,
// so one job's kernels no longer queue behind another's on the shared default stream.
// Writes the previous current stream, for naap_cuda_stream_restore.
char* naap_cuda_stream_enter(int device, int64_t* prev_id, int* prev_device, int* prev_type) {
  return naap_guard([&] {
    auto index = static_cast<c10::DeviceIndex>(device);
    auto previous = c10::cuda::getCurrentCUDAStream(index).pack3();
    c10::cuda::setCurrentCUDAStream(c10::cuda::getStreamFromPool(false, index));
    *prev_id = previous.stream_id;
    *prev_device = previous.device_index;
    *prev_type = static_cast<int>(previous.device_type);
  });
}

char* naap_cuda_stream_restore(int64_t id, int device, int type) {
  return naap_guard([&] {
    c10::cuda::setCurrentCUDAStream(c10::cuda::CUDAStream::unpack3(
        id, static_cast<c10::DeviceIndex>(device), static_cast<c10::DeviceType>(type)));
  });
}

char* naap_cuda_graph_new(void** graph) {
  return naap_guard([&] { *graph = new at::cuda::CUDAGraph(); });
}

void naap_cuda_graph_free(void* graph) { delete static_cast<at::cuda::CUDAGraph*>(graph); }

// Starts recording the current stream. Thread-local capture mode: other job threads may
// allocate or synchronise while this one captures.
char* naap_cuda_graph_capture_begin(void* graph) {
  return naap_guard([&] {
    static_cast<at::cuda::CUDAGraph*>(graph)->capture_begin(
        {0, 0}, cudaStreamCaptureModeThreadLocal);
  });
}

char* naap_cuda_graph_capture_end(void* graph) {
  return naap_guard([&] { static_cast<at::cuda::CUDAGraph*>(graph)->capture_end(); });
}

char* naap_cuda_graph_replay(void* graph) {
  return naap_guard([&] { static_cast<at::cuda::CUDAGraph*>(graph)->replay(); });
}

}  // extern "C"
