// Template part of core/executor.h; include that header instead.
#pragma once

#include <memory>

namespace streamprobe {

template <typename T>
Result<T> CallWithDeadline(Executor& executor, Clock::time_point deadline,
                           const std::string& what, std::function<T()> fn) {
  // Shared with the task, which may outlive this call.
  struct Slot {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    T value{};
  };
  auto slot = std::make_shared<Slot>();
  Status submitted = executor.Submit(deadline, [slot, fn = std::move(fn)] {
    T value = fn();
    std::lock_guard lock(slot->mutex);
    slot->value = std::move(value);
    slot->done = true;
    slot->cv.notify_all();
  });
  if (!submitted.ok()) return Result<T>::Fail(std::move(submitted));
  std::unique_lock lock(slot->mutex);
  if (!slot->cv.wait_until(lock, deadline, [&] { return slot->done; })) {
    return Result<T>::Fail(Reason::kTimeout, what + " timed out");
  }
  return Result<T>::Of(std::move(slot->value));
}

}  // namespace streamprobe
