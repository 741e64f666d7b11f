// Turning C++ exceptions into the shim's error strings.
#pragma once
#include <cstring>
#include <exception>

template <typename F>
char* naap_guard(F&& body) {
  try {
    body();
    return nullptr;
  } catch (const std::exception& e) {
    return strdup(e.what());
  } catch (...) {
    return strdup("unknown C++ exception in the naap-train shim");
  }
}
