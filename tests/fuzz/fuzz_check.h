// Shared by the libFuzzer targets: the input as text, and a check of a parser's
// contract that aborts (libFuzzer then records the input as a crash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace streamprobe::fuzz {

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Aborts with `what` when `holds` is false.
inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "contract violated: %s\n", what);
  std::abort();
}

// True when `value` is one of `allowed`.
template <typename Range>
bool OneOf(std::string_view value, const Range& allowed) {
  for (std::string_view a : allowed) {
    if (a == value) return true;
  }
  return false;
}

}  // namespace streamprobe::fuzz
