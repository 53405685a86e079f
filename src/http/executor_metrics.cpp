#include "http/executor_metrics.h"

#include <cstdio>

namespace streamprobe {

std::string RenderExecutorMetrics(const Executor::Stats& stats) {
  char text[1536];
  std::snprintf(
      text, sizeof text,
      "# HELP streamprobe_executor_threads Threads of the executor that runs probe rounds and "
      "other deadline work, by state (read at scrape time)\n"
      "# TYPE streamprobe_executor_threads gauge\n"
      "streamprobe_executor_threads{state=\"busy\"} %zu\n"
      "streamprobe_executor_threads{state=\"idle\"} %zu\n"
      "# HELP streamprobe_executor_max_threads The executor's cap on threads\n"
      "# TYPE streamprobe_executor_max_threads gauge\n"
      "streamprobe_executor_max_threads %zu\n"
      "# HELP streamprobe_executor_hung_tasks Tasks still running after their caller's deadline "
      "(abandoned work hung in a backend or library; read at scrape time)\n"
      "# TYPE streamprobe_executor_hung_tasks gauge\n"
      "streamprobe_executor_hung_tasks %zu\n"
      "# HELP streamprobe_executor_rejected_total Tasks refused because every thread was busy "
      "at the cap or no thread could be created\n"
      "# TYPE streamprobe_executor_rejected_total counter\n"
      "streamprobe_executor_rejected_total %llu\n",
      stats.busy, stats.idle, stats.max_threads, stats.overdue,
      static_cast<unsigned long long>(stats.rejected_total));
  return text;
}

}  // namespace streamprobe
