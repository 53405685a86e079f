#include "core/executor.h"

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>

#include "core/log.h"

namespace streamprobe {

struct Executor::Worker {
  bool busy = false;
  Clock::time_point deadline{};  // of the running task, when busy
};

Executor::Executor(std::size_t max_threads, Millis idle_linger)
    : max_threads_(max_threads), idle_linger_(idle_linger) {}

Executor::~Executor() {
  std::unique_lock lock(mutex_);
  // Idle threads exit at once; busy ones when their task ends.
  closing_ = true;
  work_cv_.notify_all();
  exit_cv_.wait(lock, [&] { return workers_.empty(); });
}

Executor& Executor::Shared() {
  static Executor* shared = new Executor(kSharedMaxThreads);  // never destroyed, see header
  return *shared;
}

Status Executor::Submit(Clock::time_point deadline, std::function<void()> task) {
  std::unique_lock lock(mutex_);
  if (idle_ > queue_.size()) {
    queue_.push_back({deadline, std::move(task)});
    work_cv_.notify_one();
    return Status::Ok();
  }
  if (workers_.size() >= max_threads_) {
    ++rejected_total_;
    std::size_t overdue = 0;
    const auto now = Clock::now();
    for (const Worker* w : workers_) overdue += w->busy && w->deadline < now;
    return Status::Fail(Reason::kOther,
                        "executor at capacity: all " + std::to_string(max_threads_) +
                            " threads busy (" + std::to_string(overdue) +
                            " of them hung past their deadline)");
  }
  auto* worker = new Worker{true, deadline};
  workers_.push_back(worker);
  try {
    std::thread([this, worker, first = Task{deadline, std::move(task)}]() mutable {
      try {
        first.fn();
      } catch (...) {
        LogError("executor task threw; tasks must not throw");
      }
      first.fn = nullptr;  // release captures now, not at thread exit
      WorkerLoop(worker);
    }).detach();
  } catch (const std::system_error& e) {
    workers_.pop_back();
    delete worker;
    ++rejected_total_;
    return Status::Fail(Reason::kOther, std::string("cannot start a thread: ") + e.what());
  }
  return Status::Ok();
}

void Executor::WorkerLoop(Worker* self) {
  std::unique_lock lock(mutex_);
  for (;;) {
    self->busy = false;
    ++idle_;
    work_cv_.wait_for(lock, idle_linger_, [&] { return closing_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) break;  // lingered long enough, or the executor closes
    Task task = std::move(queue_.front());
    queue_.pop_front();
    self->busy = true;
    self->deadline = task.deadline;
    lock.unlock();
    try {
      task.fn();
    } catch (...) {
      LogError("executor task threw; tasks must not throw");
    }
    task.fn = nullptr;  // release captures before taking the lock
    lock.lock();
  }
  workers_.erase(std::find(workers_.begin(), workers_.end(), self));
  delete self;
  exit_cv_.notify_all();
}

Executor::Stats Executor::stats() const {
  std::lock_guard lock(mutex_);
  Stats s;
  s.max_threads = max_threads_;
  s.idle = idle_;
  s.rejected_total = rejected_total_;
  const auto now = Clock::now();
  for (const Worker* w : workers_) {
    if (!w->busy) continue;
    ++s.busy;
    s.overdue += w->deadline < now;
  }
  return s;
}

}  // namespace streamprobe
