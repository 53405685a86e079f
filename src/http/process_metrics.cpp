#include "http/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

namespace streamprobe {
namespace {

struct Stat {
  double cpu_seconds = 0;
  double start_time_seconds = 0;  // since the epoch
  double virtual_bytes = 0;
  double resident_bytes = 0;
};

// System boot time in seconds since the epoch ("btime" of /proc/stat).
std::optional<double> ReadBootTime() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

// Fields of /proc/self/stat (proc(5)); the command name may hold spaces and
// parentheses, so fields are counted from the last ')'.
std::optional<Stat> ReadStat() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string f[22];  // fields 3 .. 24
  for (auto& field : f) {
    if (!(fields >> field)) return std::nullopt;
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  static const std::optional<double> boot = ReadBootTime();  // fixed while the system runs
  if (!boot || ticks <= 0) return std::nullopt;
  Stat s;
  s.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;  // utime + stime (14, 15)
  s.start_time_seconds = *boot + std::stod(f[19]) / ticks;        // starttime (22)
  s.virtual_bytes = std::stod(f[20]);                             // vsize (23)
  s.resident_bytes = std::stod(f[21]) * page;                     // rss (24), pages
  return s;
}

std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the descriptor opendir itself holds
}

void Family(std::string& out, const char* name, const char* type, const char* help, double value) {
  char line[512];
  std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type,
                name, value);
  out += line;
}

}  // namespace

std::string RenderProcessMetrics() {
  static std::mutex mutex;
  static std::string text;
  static std::chrono::steady_clock::time_point read_at;
  std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (text.empty() || now - read_at >= std::chrono::milliseconds(kProcessMetricsMaxAgeMs)) {
    text = ReadProcessMetrics();
    read_at = now;
  }
  return text;
}

std::string ReadProcessMetrics() {
  std::string out;
  try {
    if (const auto s = ReadStat()) {
      Family(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
            s->cpu_seconds);
      Family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
            s->resident_bytes);
      Family(out, "process_start_time_seconds", "gauge",
            "Start time of the process since unix epoch in seconds.", s->start_time_seconds);
      Family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", s->virtual_bytes);
    }
  } catch (const std::exception&) {
    out.clear();  // an unparsable /proc line: leave the family out
  }
  if (const auto fds = OpenFds()) {
    Family(out, "process_open_fds", "gauge", "Number of open file descriptors.", *fds);
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    Family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
          static_cast<double>(limit.rlim_cur));
  }
  if (getrlimit(RLIMIT_AS, &limit) == 0) {
    Family(out, "process_virtual_memory_max_bytes", "gauge", "Maximum amount of virtual memory available in bytes.",
          limit.rlim_cur == RLIM_INFINITY ? -1.0 : static_cast<double>(limit.rlim_cur));
  }
  return out;
}

}  // namespace streamprobe
