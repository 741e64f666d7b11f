// Counts the ATen operators that this thread dispatches between start and stop,
// through RecordFunction callbacks (what PyTorch's profiler observes). "Top level" are
// the ops called while no other op runs on the thread: the ones a caller or an autograd
// node issues, which on a GPU are roughly the kernel launches; "all" adds the ops that
// composite ops call inside themselves.
#include <ATen/record_function.h>
#include <memory>
#include <stdexcept>

#include "common.h"
#include "shim.h"

namespace {
thread_local uint64_t depth = 0;
thread_local uint64_t top_level = 0;
thread_local uint64_t all = 0;
thread_local at::CallbackHandle handle = 0;

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction&) {
  if (depth == 0) ++top_level;
  ++all;
  ++depth;
  return nullptr;
}

void on_end(const at::RecordFunction&, at::ObserverContext*) {
  if (depth > 0) --depth;
}
}  // namespace

extern "C" char* naap_op_counter_start() {
  return naap_guard([&] {
    if (handle != 0) throw std::runtime_error("an op counter already runs on this thread");
    depth = top_level = all = 0;
    handle = at::addThreadLocalCallback(
        at::RecordFunctionCallback(on_start, on_end).scopes({at::RecordScope::FUNCTION}));
  });
}

extern "C" char* naap_op_counter_stop(uint64_t* top_level_out, uint64_t* all_out) {
  return naap_guard([&] {
    if (handle == 0) throw std::runtime_error("no op counter runs on this thread");
    at::removeCallback(handle);
    handle = 0;
    *top_level_out = top_level;
    *all_out = all;
  });
}
