#include "kafka/kafka_worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

namespace streamprobe::kafka {
namespace {

// Runs jobs on one thread that lives as long as the process (never joined,
// never destroyed), so children's PR_SET_PDEATHSIG fires only when the
// process dies. Thread-safe.
class Spawner {
 public:
  static Spawner& Get() {
    static Spawner* spawner = new Spawner();  // leaked on purpose: outlives every client
    return *spawner;
  }

  template <typename F>
  auto Run(F job) -> decltype(job()) {
    std::packaged_task<decltype(job())()> task(std::move(job));
    auto result = task.get_future();
    {
      std::lock_guard lock(mu_);
      jobs_.emplace_back([&task] { task(); });
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  Spawner() { std::thread([this] { Loop(); }).detach(); }

  void Loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !jobs_.empty(); });
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
};

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(const char* path, char* const* argv, int request_read,
                            int answer_write, pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
  // Move both ends above the target fds first, so dup2 never meets itself.
  const int request = fcntl(request_read, F_DUPFD, 10);
  const int answer = fcntl(answer_write, F_DUPFD, 10);
  if (request < 0 || answer < 0) _exit(127);
  if (dup2(request, kWorkerRequestFd) < 0 || dup2(answer, kWorkerAnswerFd) < 0) _exit(127);
  close_range(kWorkerAnswerFd + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(path, argv);
  _exit(127);
}

struct Pipes {
  int request[2] = {-1, -1};  // parent writes [1], child reads [0]
  int answer[2] = {-1, -1};   // child writes [1], parent reads [0]
};

void CloseAll(Pipes& p) {
  for (int* fd : {&p.request[0], &p.request[1], &p.answer[0], &p.answer[1]}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

}  // namespace

std::string DescribeExit(int wait_status) {
  if (WIFSIGNALED(wait_status)) return "signal " + std::to_string(WTERMSIG(wait_status));
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  return "ended (wait status " + std::to_string(wait_status) + ")";
}

Result<WorkerProcess> WorkerProcess::Spawn(const WorkerCommand& command) {
  std::vector<char*> argv;
  for (const std::string& arg : command.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const char* path = command.path.c_str();
  return Spawner::Get().Run([&]() -> Result<WorkerProcess> {
    Pipes p;
    if (pipe2(p.request, O_CLOEXEC) != 0 || pipe2(p.answer, O_CLOEXEC) != 0) {
      CloseAll(p);
      return Result<WorkerProcess>::Fail(Reason::kOther,
                                         std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
      CloseAll(p);
      return Result<WorkerProcess>::Fail(Reason::kOther,
                                         std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) ExecChild(path, argv.data(), p.request[0], p.answer[1], parent);
    close(p.request[0]);
    close(p.answer[1]);
    fcntl(p.request[1], F_SETFL, O_NONBLOCK);
    fcntl(p.answer[0], F_SETFL, O_NONBLOCK);
    WorkerProcess w;
    w.pid_ = pid;
    w.to_worker_ = p.request[1];
    w.from_worker_ = p.answer[0];
    return Result<WorkerProcess>::Of(std::move(w));
  });
}

WorkerProcess::WorkerProcess(WorkerProcess&& other) noexcept { *this = std::move(other); }

WorkerProcess& WorkerProcess::operator=(WorkerProcess&& other) noexcept {
  if (this != &other) {
    if (running()) Kill();
    pid_ = std::exchange(other.pid_, -1);
    to_worker_ = std::exchange(other.to_worker_, -1);
    from_worker_ = std::exchange(other.from_worker_, -1);
  }
  return *this;
}

WorkerProcess::~WorkerProcess() {
  if (running()) Kill();
}

std::string WorkerProcess::Kill() {
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  return Finish(status);
}

std::string WorkerProcess::Reap(std::chrono::milliseconds grace) {
  const auto until = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return Finish(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Kill();
}

std::string WorkerProcess::Finish(int wait_status) {
  CloseFds();
  pid_ = -1;
  return DescribeExit(wait_status);
}

void WorkerProcess::CloseFds() {
  if (to_worker_ >= 0) close(to_worker_);
  if (from_worker_ >= 0) close(from_worker_);
  to_worker_ = from_worker_ = -1;
}

}  // namespace streamprobe::kafka
