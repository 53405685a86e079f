// Waiting on a condition in unit tests, never on a fixed sleep.
#pragma once

#include <chrono>
#include <thread>

namespace streamprobe::testing {

// Polls `predicate` every 2 ms until it holds or `limit` passes; returns its
// last value.
template <typename Predicate>
bool WaitUntil(Predicate predicate,
               std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return predicate();
}

}  // namespace streamprobe::testing
