// A child process speaking frames over two pipes: spawned from one
// long-lived thread (PR_SET_PDEATHSIG is bound to the thread that forks, so a
// short-lived probe thread must not be the parent), killed and reaped by its
// owner.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace streamprobe::kafka {

// What to execute: `path` with `argv` (argv[0] included).
struct WorkerCommand {
  std::string path;
  std::vector<std::string> argv;
};

// In the child, requests arrive on this fd and answers leave on the next one;
// stdin, stdout and stderr are inherited, every other fd is closed.
inline constexpr int kWorkerRequestFd = 3;
inline constexpr int kWorkerAnswerFd = 4;

// A running child and the parent's pipe ends (non-blocking, close-on-exec).
// Not thread-safe; owned by one client.
class WorkerProcess {
 public:
  // Forks and executes `command` on the spawner thread. The child dies with
  // the parent (SIGKILL) and starts with no signals blocked.
  static Result<WorkerProcess> Spawn(const WorkerCommand& command);

  WorkerProcess() = default;
  WorkerProcess(WorkerProcess&& other) noexcept;
  WorkerProcess& operator=(WorkerProcess&& other) noexcept;
  ~WorkerProcess();  // kills and reaps a child still running

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int to_worker() const { return to_worker_; }
  int from_worker() const { return from_worker_; }

  // SIGKILL, reap, close the pipes. Returns how the child ended, e.g.
  // "signal 9" or "exited with status 3" (the child may have ended first).
  std::string Kill();
  // After the child closed its pipe: waits up to `grace` for it to exit by
  // itself, then kills it. Returns how it ended, as Kill().
  std::string Reap(std::chrono::milliseconds grace);

 private:
  std::string Finish(int wait_status);
  void CloseFds();
  pid_t pid_ = -1;
  int to_worker_ = -1;
  int from_worker_ = -1;
};

// "signal 11" or "exited with status 3" for a waitpid() status.
std::string DescribeExit(int wait_status);

}  // namespace streamprobe::kafka
