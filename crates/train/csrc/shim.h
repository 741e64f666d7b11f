// The C interface of naap-train's libtorch shim (declared again in src/shim/ffi.rs).
// A tensor handle is tch's `*mut C_tensor`, which is an `at::Tensor*` (torch-sys's libtch).
// Every call returns nullptr on success, else a message from `strdup` that the caller
// frees with naap_free_error: no C++ exception crosses into Rust.
#pragma once
#include <cstddef>
#include <cstdint>

#ifdef __cplusplus
#include <ATen/Tensor.h>
using naap_tensor = at::Tensor*;
extern "C" {
#else
typedef void* naap_tensor;
#endif

void naap_free_error(char* message);

char* naap_foreach_sgd_step(naap_tensor* params, naap_tensor* grads, naap_tensor* buffers,
                            size_t n, double weight_decay, double momentum, double lr);
char* naap_fused_sgd_step(naap_tensor* params, naap_tensor* grads, naap_tensor* buffers,
                          size_t n, double weight_decay, double momentum, double lr,
                          naap_tensor lr_tensor, int is_first_step);
char* naap_clear_grads(naap_tensor* params, size_t n);

char* naap_op_counter_start();
char* naap_op_counter_stop(uint64_t* top_level, uint64_t* all);

#ifdef __cplusplus
}
#endif
