#include "net/tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/executor.h"

namespace streamprobe {
namespace {

struct Resolution {
  int error = 0;
  std::vector<sockaddr_storage> addresses;
  std::vector<socklen_t> lengths;
};

// getaddrinfo has no timeout of its own: it runs on the shared executor and is
// waited for until `deadline` (a hung resolver costs a counted pool thread).
Result<std::shared_ptr<Resolution>> Resolve(const std::string& host, int port, Deadline deadline) {
  using R = Result<std::shared_ptr<Resolution>>;
  auto call = CallWithDeadline<std::shared_ptr<Resolution>>(
      Executor::Shared(), deadline, "resolving " + host, [host, port] {
        auto out = std::make_shared<Resolution>();
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* list = nullptr;
        out->error = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
        for (addrinfo* a = list; out->error == 0 && a != nullptr; a = a->ai_next) {
          sockaddr_storage storage{};
          std::memcpy(&storage, a->ai_addr, a->ai_addrlen);
          out->addresses.push_back(storage);
          out->lengths.push_back(a->ai_addrlen);
        }
        if (list) freeaddrinfo(list);
        return out;
      });
  if (!call.ok()) return R::Fail(call.status);
  const Resolution& res = *call.value;
  if (res.error != 0 || res.addresses.empty()) {
    const bool no_name = res.error == EAI_NONAME || res.error == EAI_NODATA ||
                         res.error == EAI_AGAIN || res.error == EAI_FAIL;
    return R::Fail(no_name ? Reason::kDns : Reason::kOther,
                   "cannot resolve " + host + ": " + gai_strerror(res.error));
  }
  return R::Of(call.value);
}

int MillisLeft(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

Reason ReasonForErrno(int error) {
  switch (error) {
    case ECONNREFUSED:
    case ECONNRESET:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EPIPE:
      return Reason::kRefused;
    case ETIMEDOUT:
      return Reason::kTimeout;
    default:
      return Reason::kOther;
  }
}

Result<int> ConnectOne(const sockaddr_storage& address, socklen_t length, Deadline deadline) {
  int fd = socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Result<int>::Fail(Reason::kOther, std::string("socket: ") + std::strerror(errno));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0) return Result<int>::Of(fd);
  if (errno != EINPROGRESS) {
    int error = errno;
    close(fd);
    return Result<int>::Fail(ReasonForErrno(error), std::string("connect: ") + std::strerror(error));
  }
  pollfd p{fd, POLLOUT, 0};
  int rc = poll(&p, 1, MillisLeft(deadline));
  if (rc == 0) {
    close(fd);
    return Result<int>::Fail(Reason::kTimeout, "connect timed out");
  }
  int error = 0;
  socklen_t len = sizeof error;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
  if (rc < 0 || error != 0) {
    if (rc < 0) error = errno;
    close(fd);
    return Result<int>::Fail(ReasonForErrno(error), std::string("connect: ") + std::strerror(error));
  }
  return Result<int>::Of(fd);
}

}  // namespace

Result<std::unique_ptr<TcpConnection>> TcpConnection::Open(const std::string& host, int port,
                                                           Deadline deadline) {
  using R = Result<std::unique_ptr<TcpConnection>>;
  auto resolved = Resolve(host, port, deadline);
  if (!resolved.ok()) return R::Fail(resolved.status);
  Status last = Status::Fail(Reason::kOther, "no address");
  const auto& res = *resolved.value;
  for (std::size_t i = 0; i < res.addresses.size(); ++i) {
    auto fd = ConnectOne(res.addresses[i], res.lengths[i], deadline);
    if (fd.ok()) return R::Of(std::unique_ptr<TcpConnection>(new TcpConnection(fd.value)));
    last = Status::Fail(fd.status.reason(),
                        fd.status.detail() + " (" + host + ":" + std::to_string(port) + ")");
    if (fd.status.reason() == Reason::kTimeout) break;
  }
  return R::Fail(last);
}

TcpConnection::~TcpConnection() { close(fd_); }

Status TcpConnection::WaitFor(short events, Deadline deadline) {
  pollfd p{fd_, events, 0};
  int rc = poll(&p, 1, MillisLeft(deadline));
  if (rc == 0) return Status::Fail(Reason::kTimeout, "no answer before the deadline");
  if (rc < 0) return Status::Fail(Reason::kOther, std::string("poll: ") + std::strerror(errno));
  return Status::Ok();
}

Status TcpConnection::SendAll(std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    Status ready = WaitFor(POLLOUT, deadline);
    if (!ready.ok()) return ready;
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return Status::Fail(ReasonForErrno(errno), std::string("send: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> TcpConnection::ReadToEnd(std::size_t max_bytes, Deadline deadline) {
  std::string out;
  char buffer[4096];
  for (;;) {
    Status ready = WaitFor(POLLIN, deadline);
    if (!ready.ok()) return Result<std::string>::Fail(ready);
    ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) return Result<std::string>::Of(std::move(out));
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno == ECONNRESET && !out.empty()) return Result<std::string>::Of(std::move(out));
      return Result<std::string>::Fail(ReasonForErrno(errno), std::string("recv: ") + std::strerror(errno));
    }
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      return Result<std::string>::Fail(Reason::kBadPayload,
                                       "answer over " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<std::string> TcpConnection::ReadExactly(std::size_t n, Deadline deadline) {
  std::string out;
  out.reserve(n);
  char buffer[4096];
  while (out.size() < n) {
    Status ready = WaitFor(POLLIN, deadline);
    if (!ready.ok()) return Result<std::string>::Fail(ready);
    ssize_t got = recv(fd_, buffer, std::min(sizeof buffer, n - out.size()), 0);
    if (got == 0) return Result<std::string>::Fail(Reason::kRefused, "connection closed by peer");
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return Result<std::string>::Fail(ReasonForErrno(errno), std::string("recv: ") + std::strerror(errno));
    }
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return Result<std::string>::Of(std::move(out));
}

Result<std::string> TcpRequest(const std::string& host, int port, std::string_view request,
                               std::size_t max_bytes, Deadline deadline) {
  auto connection = TcpConnection::Open(host, port, deadline);
  if (!connection.ok()) return Result<std::string>::Fail(connection.status);
  Status sent = connection.value->SendAll(request, deadline);
  if (!sent.ok()) return Result<std::string>::Fail(sent);
  return connection.value->ReadToEnd(max_bytes, deadline);
}

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  std::string h = address.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = 0;
  for (char c : address.substr(colon + 1)) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + (c - '0');
    if (p > 65535) return false;
  }
  if (p == 0) return false;
  *host = h;
  *port = p;
  return true;
}

}  // namespace streamprobe
