// Length-prefixed frames over a pipe: a 4-byte big-endian length, then that
// many bytes (a JSON document). Both sides of the Kafka client worker use it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace streamprobe::kafka {

using Deadline = std::chrono::steady_clock::time_point;

// Largest frame either side accepts; a longer announced length is a fault.
inline constexpr std::size_t kMaxFrameBytes = 64u << 20;

enum class FrameError {
  kNone,
  kTimeout,   // the deadline passed first
  kClosed,    // end of file (the other side exited) or a write to a closed pipe
  kOversize,  // announced length above the cap
  kIo,        // any other read/write error
};

struct FrameRead {
  FrameError error = FrameError::kNone;
  std::string body;
};

// Reads one frame from `fd` (blocking or not), waiting at most until
// `deadline` (Deadline::max(): no limit).
FrameRead ReadFrame(int fd, Deadline deadline, std::size_t max_bytes = kMaxFrameBytes);

// Writes one frame to `fd`, waiting at most until `deadline`.
FrameError WriteFrame(int fd, std::string_view body, Deadline deadline);

}  // namespace streamprobe::kafka
