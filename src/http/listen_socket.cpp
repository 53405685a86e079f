#include "http/listen_socket.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace streamprobe {
namespace {

// Splits "host:port", "[v6]:port", ":port" or "port"; host is "" for any.
bool SplitListenAddress(const std::string& address, std::string* host, std::string* port) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    *host = "";
    *port = address;
  } else {
    *host = address.substr(0, colon);
    *port = address.substr(colon + 1);
  }
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (port->empty()) return false;
  for (char c : *port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Lowercased(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

Result<int> OpenListenSocket(const std::string& address) {
  const std::string prefix = "cannot listen on " + address + ": ";
  std::string host, port;
  if (!SplitListenAddress(address, &host, &port)) {
    return Result<int>::Fail(Reason::kOther, prefix + "not host:port");
  }
  addrinfo hints{};
  hints.ai_family = host.empty() ? AF_INET : AF_UNSPEC;  // ":PORT" is IPv4 any, as before
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) return Result<int>::Fail(Reason::kOther, prefix + gai_strerror(rc));
  Result<int> result = Result<int>::Fail(Reason::kOther, prefix + "no address");
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      result = Result<int>::Fail(Reason::kOther, prefix + Lowercased(std::strerror(errno)));
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // a restart finds TIME_WAIT
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      result = Result<int>::Of(fd);
      break;
    }
    const int error = errno;
    ::close(fd);
    result = Result<int>::Fail(Reason::kOther, prefix + Lowercased(std::strerror(error)));
  }
  freeaddrinfo(list);
  return result;
}

}  // namespace streamprobe
