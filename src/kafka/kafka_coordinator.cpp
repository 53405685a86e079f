#include "kafka/kafka_coordinator.h"

#include <climits>
#include <vector>

namespace streamprobe::kafka {
namespace {

// Decodes one UTF-8 sequence at `i`; returns U+FFFD and advances one byte on error.
std::uint32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xfffd;
  }
  std::uint32_t cp = len == 1 ? b0 : b0 & (0xff >> (len + 1));
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  i += len;
  return cp;
}

}  // namespace

std::int32_t JavaStringHash(std::string_view utf8) {
  std::uint32_t h = 0;  // unsigned: Java's int overflow wraps
  for (std::size_t i = 0; i < utf8.size();) {
    std::uint32_t cp = NextCodePoint(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xd800 + (cp >> 10));
      h = 31 * h + (0xdc00 + (cp & 0x3ff));
    } else {
      h = 31 * h + cp;
    }
  }
  return static_cast<std::int32_t>(h);
}

int GroupOffsetsPartition(std::string_view group, int partitions) {
  if (partitions <= 0) return 0;
  const std::int32_t h = JavaStringHash(group);
  const std::int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);  // Kafka Utils.abs
  return abs % partitions;
}

int GroupCoordinator(std::string_view group, const ClusterMeta& meta) {
  for (const auto& topic : meta.topics) {
    if (topic.name != kOffsetsTopic || topic.partitions.empty()) continue;
    const int p = GroupOffsetsPartition(group, static_cast<int>(topic.partitions.size()));
    for (const auto& part : topic.partitions) {
      if (part.id == p) return part.leader;
    }
  }
  return -1;
}

}  // namespace streamprobe::kafka
