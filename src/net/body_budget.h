// A process-wide budget for the large part of response bodies, so RSS does not
// grow with the number of targets streaming huge bodies at once.
//
// Every transfer may buffer kBodyFloorBytes on its own; growth beyond that is
// taken from one shared budget and given back when the transfer ends. Healthy
// targets (bodies under the floor) never touch it; when many hostile bodies are
// in flight at once, the ones that find the budget spent fail early with
// reason bad_payload instead of each growing to its own cap.
//
// Thread-safety: all members may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>

namespace streamprobe {

inline constexpr std::size_t kBodyFloorBytes = 256u << 10;
inline constexpr std::size_t kSharedBodyBudgetBytes = 16u << 20;

class BodyBudget {
 public:
  explicit BodyBudget(std::size_t bytes) : capacity_(bytes) {}
  static BodyBudget& Shared();  // kSharedBodyBudgetBytes

  // Takes `bytes` if that many are free; false (and nothing taken) otherwise.
  bool TryTake(std::size_t bytes);
  void Give(std::size_t bytes);
  std::size_t capacity() const { return capacity_; }
  std::size_t in_use() const { return in_use_.load(); }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace streamprobe
