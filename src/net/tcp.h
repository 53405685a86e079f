// Deadline-bound TCP: name resolution, connect, send and receive. Every call
// returns by its deadline. Failures map to reasons dns, refused, timeout, other.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace streamprobe {

using Deadline = std::chrono::steady_clock::time_point;

class TcpConnection {
 public:
  // Resolves `host` (on a helper thread, so a hanging resolver cannot outlive
  // the deadline) and connects to the first address that accepts.
  static Result<std::unique_ptr<TcpConnection>> Open(const std::string& host, int port,
                                                      Deadline deadline);
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  Status SendAll(std::string_view data, Deadline deadline);
  // Reads until the peer closes; more than `max_bytes` is kBadPayload.
  Result<std::string> ReadToEnd(std::size_t max_bytes, Deadline deadline);
  // Reads exactly `n` bytes.
  Result<std::string> ReadExactly(std::size_t n, Deadline deadline);

 private:
  explicit TcpConnection(int fd) : fd_(fd) {}
  Status WaitFor(short events, Deadline deadline);
  int fd_;
};

// Connects, sends `request`, reads the whole answer until the peer closes
// (e.g. a ZooKeeper four-letter word).
Result<std::string> TcpRequest(const std::string& host, int port, std::string_view request,
                               std::size_t max_bytes, Deadline deadline);

// Splits "host:port"; returns false if the port is missing or invalid.
bool SplitHostPort(const std::string& address, std::string* host, int* port);

}  // namespace streamprobe
