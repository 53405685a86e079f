#include <unistd.h>

#include <gtest/gtest.h>

#include "http/process_metrics.h"

namespace streamprobe {
namespace {

double Value(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + key.size()));
}

TEST(ProcessMetrics, TheClientLibraryFamiliesWithPlausibleValues) {
  const std::string text = "\n" + ReadProcessMetrics();
  EXPECT_GE(Value(text, "process_cpu_seconds_total"), 0);
  EXPECT_GT(Value(text, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(Value(text, "process_virtual_memory_bytes"), Value(text, "process_resident_memory_bytes"));
  const double started = Value(text, "process_start_time_seconds");
  EXPECT_GT(started, 1.7e9);
  EXPECT_LE(started, static_cast<double>(time(nullptr)) + 1);
  const double fds = Value(text, "process_open_fds");
  EXPECT_GE(fds, 3);
  const int extra = dup(0);
  EXPECT_EQ(Value("\n" + ReadProcessMetrics(), "process_open_fds"), fds + 1);
  close(extra);
  EXPECT_GT(Value(text, "process_max_fds"), fds);
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
}

TEST(ProcessMetrics, ScrapesShareOneReadingPerSecond) {
  const std::string first = RenderProcessMetrics();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(RenderProcessMetrics(), first);  // within kProcessMetricsMaxAgeMs
}

}  // namespace
}  // namespace streamprobe
