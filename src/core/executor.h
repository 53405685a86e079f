// The one bounded way to run work under a deadline.
//
// Deadline work (a probe round, a name resolution, opening a client session)
// may hang inside a library that no timeout reaches. Such work runs here, on a
// pool of at most `max_threads` threads, so a hung backend costs threads that
// are counted, capped and visible, never an unbounded pile of detached ones.
//
// Thread-safety: every member may be called from any thread. Tasks must not
// throw (an escaping exception is caught and logged). The shared executor is
// never destroyed, so a task still running at exit is harmless.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "core/probe.h"
#include "core/status.h"

namespace streamprobe {

class Executor {
 public:
  struct Stats {
    std::size_t max_threads = 0;
    std::size_t busy = 0;          // threads running a task
    std::size_t idle = 0;          // threads waiting for a task
    std::size_t overdue = 0;       // busy with a task whose deadline has passed (hung work)
    std::uint64_t rejected_total = 0;  // submissions refused (cap reached, no thread)
  };

  // `idle_linger`: how long an idle thread waits for work before it exits.
  explicit Executor(std::size_t max_threads, Millis idle_linger = Millis(30000));
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  // Waits for every thread to finish its task and exit: only for executors
  // whose tasks are known to end (tests). The shared one is never destroyed.
  ~Executor();

  // The process-wide executor (cap kSharedMaxThreads).
  static Executor& Shared();
  static constexpr std::size_t kSharedMaxThreads = 1024;

  // Runs `task` on a pool thread. `deadline` is when its caller stops waiting
  // for it; past that a running task counts as overdue. Fails with reason
  // "other" and a message saying why when every thread is busy at the cap or
  // a thread cannot be created; the task is not run then.
  Status Submit(Clock::time_point deadline, std::function<void()> task);

  Stats stats() const;

 private:
  struct Task {
    Clock::time_point deadline;
    std::function<void()> fn;
  };
  struct Worker;

  void WorkerLoop(Worker* self);

  const std::size_t max_threads_;
  const Millis idle_linger_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable exit_cv_;
  std::deque<Task> queue_;              // tasks handed to idle threads, never more than idle
  std::deque<Worker*> workers_;         // owned; a worker removes itself on exit
  std::size_t idle_ = 0;
  bool closing_ = false;                // set by the destructor
  std::uint64_t rejected_total_ = 0;
};

// Runs `fn` on `executor` and waits for its value until `deadline`. On time
// out the call fails with reason "timeout" and `what` in the detail; `fn` keeps
// running and its value is dropped when it ends. `fn` must not throw.
template <typename T>
Result<T> CallWithDeadline(Executor& executor, Clock::time_point deadline,
                           const std::string& what, std::function<T()> fn);

}  // namespace streamprobe

#include "core/executor_inl.h"
