#include "core/memory_policy.h"

#include <malloc.h>

#include <cstdlib>

namespace streamprobe {
namespace {

constexpr int kArenaMax = 2;
constexpr int kMmapThresholdBytes = 256 * 1024;
constexpr int kTrimThresholdBytes = 1024 * 1024;

void SetUnlessInEnvironment(const char* variable, int option, int value) {
  if (std::getenv(variable) == nullptr) mallopt(option, value);
}

}  // namespace

void ApplyMemoryPolicy() {
  SetUnlessInEnvironment("MALLOC_ARENA_MAX", M_ARENA_MAX, kArenaMax);
  SetUnlessInEnvironment("MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, kMmapThresholdBytes);
  SetUnlessInEnvironment("MALLOC_TRIM_THRESHOLD_", M_TRIM_THRESHOLD, kTrimThresholdBytes);
}

}  // namespace streamprobe
