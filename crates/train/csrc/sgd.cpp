// Multi-tensor SGD steps over all parameters, with the semantics of torch.optim.SGD
// without dampening or Nesterov, as in src/sgd.rs:
// - naap_foreach_sgd_step: the per-tensor step's six ops, each issued once for all
//   parameters as a `_foreach_*` op; on the CPU the same arithmetic in the same order,
//   so bit for bit the per-tensor result;
// - naap_fused_sgd_step: libtorch's `_fused_sgd_`, one op (one kernel per launch group on
//   a GPU); on the CPU it rounds differently from the per-tensor step (a few ulp).
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/_foreach_add.h>
#include <ATen/ops/_foreach_mul.h>
#include <ATen/ops/_foreach_sub.h>
#include <ATen/ops/_fused_sgd.h>
#include <vector>

#include "common.h"
#include "shim.h"

namespace {
std::vector<at::Tensor> gather(naap_tensor* ts, size_t n) {
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(*ts[i]);
  return out;
}
}  // namespace

extern "C" void naap_free_error(char* message) { free(message); }

// `buffers[i]` null means parameter i has no momentum buffer yet: it becomes
// `d = g + wd·p`, returned in `buffers[i]` as a new handle that the caller owns.
extern "C" char* naap_foreach_sgd_step(naap_tensor* params, naap_tensor* grads,
                                       naap_tensor* buffers, size_t n, double weight_decay,
                                       double momentum, double lr) {
  return naap_guard([&] {
    at::NoGradGuard no_grad;
    auto p = gather(params, n), g = gather(grads, n);
    auto d = at::_foreach_mul(p, weight_decay);
    // wd·p + g equals g + wd·p bit for bit: IEEE addition commutes.
    at::_foreach_add_(d, g);
    std::vector<at::Tensor> all(n), kept, kept_d;
    for (size_t i = 0; i < n; ++i) {
      if (buffers[i] != nullptr) {
        all[i] = *buffers[i];
        kept.push_back(all[i]);
        kept_d.push_back(d[i]);
      } else {
        all[i] = d[i];
      }
    }
    if (!kept.empty()) {
      at::_foreach_mul_(kept, momentum);
      at::_foreach_add_(kept, kept_d);
    }
    at::_foreach_sub_(p, at::_foreach_mul(all, lr));
    // Hand out the new buffers only once nothing can throw any more.
    for (size_t i = 0; i < n; ++i) {
      if (buffers[i] == nullptr) buffers[i] = new at::Tensor(d[i]);
    }
  });
}

extern "C" char* naap_fused_sgd_step(naap_tensor* params, naap_tensor* grads,
                                     naap_tensor* buffers, size_t n, double weight_decay,
                                     double momentum, double lr, naap_tensor lr_tensor,
                                     int is_first_step) {
  return naap_guard([&] {
    at::NoGradGuard no_grad;
    auto p = gather(params, n), g = gather(grads, n), b = gather(buffers, n);
    if (lr_tensor != nullptr) {
      // A device tensor learning rate, so a captured CUDA graph reads the current value.
      at::_fused_sgd_(p, g, b, weight_decay, momentum, *lr_tensor, 0.0, false, false,
                      is_first_step != 0);
    } else {
      at::_fused_sgd_(p, g, b, weight_decay, momentum, lr, 0.0, false, false,
                      is_first_step != 0);
    }
  });
}

// Drops the gradients (PyTorch's zero_grad(set_to_none=True)): no zeroing op per
// parameter, and backward then writes the gradient instead of adding it to zeros.
extern "C" char* naap_clear_grads(naap_tensor* params, size_t n) {
  return naap_guard([&] {
    for (size_t i = 0; i < n; ++i) params[i]->mutable_grad().reset();
  });
}
