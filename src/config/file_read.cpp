#include "config/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace streamprobe {
namespace {

// Closes a descriptor when it goes out of scope.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string ReadConfigFile(const std::string& path, std::size_t max_bytes, std::string* text) {
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "cannot read " + path + ": " + std::strerror(errno);
  FdCloser closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return "cannot read " + path + ": " + std::strerror(errno);
  if (!S_ISREG(info.st_mode)) return "cannot read " + path + ": not a regular file";
  const std::string too_large =
      "cannot read " + path + ": larger than " + std::to_string(max_bytes) + " bytes";
  if (static_cast<std::size_t>(info.st_size) > max_bytes) return too_large;
  std::string out;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "cannot read " + path + ": " + std::strerror(errno);
    if (n == 0) break;
    // The file may have grown since fstat.
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) return too_large;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  *text = std::move(out);
  return "";
}

}  // namespace streamprobe
