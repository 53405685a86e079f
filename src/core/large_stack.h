// Running recursive work (YAML parsing, emitting and freeing nested nodes) on a
// thread whose stack size is known, whatever thread asks: the HTTP server's handler
// threads have small stacks, and yaml-cpp recurses once per nesting level up
// to its own limit of 2000 levels.
#pragma once

#include <cstddef>
#include <functional>

#include "core/status.h"

namespace streamprobe {

inline constexpr std::size_t kLargeStackBytes = 64u << 20;  // virtual; only used pages cost

// Runs `fn` on a new thread with a `kLargeStackBytes` stack and waits for it.
// Fails (without running `fn`) when the thread cannot be created. `fn` must
// not throw.
Status RunOnLargeStack(const std::function<void()>& fn);

}  // namespace streamprobe
