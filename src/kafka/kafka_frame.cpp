#include "kafka/kafka_frame.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace streamprobe::kafka {
namespace {

// Poll timeout in ms until `deadline`: -1 for no deadline, 0 once passed.
int PollTimeout(Deadline deadline) {
  if (deadline == Deadline::max()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Deadline::clock::now());
  return left.count() > 0 ? static_cast<int>(std::min<long long>(left.count(), 1 << 30)) : 0;
}

// Waits until `fd` is ready for `events`.
FrameError Wait(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int timeout = PollTimeout(deadline);
    const int n = poll(&p, 1, timeout);
    if (n > 0) return FrameError::kNone;  // readable, writable, hang-up or error: the call says
    if (n == 0) return FrameError::kTimeout;
    if (errno != EINTR) return FrameError::kIo;
  }
}

FrameError ReadExactly(int fd, char* out, std::size_t size, Deadline deadline) {
  std::size_t done = 0;
  while (done < size) {
    if (FrameError e = Wait(fd, POLLIN, deadline); e != FrameError::kNone) return e;
    const ssize_t n = read(fd, out + done, size - done);
    if (n == 0) return FrameError::kClosed;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return FrameError::kIo;
    }
    done += static_cast<std::size_t>(n);
  }
  return FrameError::kNone;
}

FrameError WriteAll(int fd, const char* data, std::size_t size, Deadline deadline) {
  std::size_t done = 0;
  while (done < size) {
    if (FrameError e = Wait(fd, POLLOUT, deadline); e != FrameError::kNone) return e;
    const ssize_t n = write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno == EPIPE ? FrameError::kClosed : FrameError::kIo;
    }
    done += static_cast<std::size_t>(n);
  }
  return FrameError::kNone;
}

}  // namespace

FrameRead ReadFrame(int fd, Deadline deadline, std::size_t max_bytes) {
  unsigned char header[4];
  FrameRead out;
  out.error = ReadExactly(fd, reinterpret_cast<char*>(header), sizeof(header), deadline);
  if (out.error != FrameError::kNone) return out;
  const std::uint32_t size = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                             (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
  if (size > max_bytes) {
    out.error = FrameError::kOversize;
    return out;
  }
  out.body.resize(size);
  out.error = ReadExactly(fd, out.body.data(), size, deadline);
  return out;
}

FrameError WriteFrame(int fd, std::string_view body, Deadline deadline) {
  if (body.size() > kMaxFrameBytes) return FrameError::kOversize;
  const auto size = static_cast<std::uint32_t>(body.size());
  const char header[4] = {static_cast<char>(size >> 24), static_cast<char>(size >> 16),
                          static_cast<char>(size >> 8), static_cast<char>(size)};
  if (FrameError e = WriteAll(fd, header, sizeof(header), deadline); e != FrameError::kNone) {
    return e;
  }
  return WriteAll(fd, body.data(), body.size(), deadline);
}

}  // namespace streamprobe::kafka
