// Loopback sockets that misbehave like ZooKeeper members can: refuse, stay
// silent (SIGSTOPped), or answer once with canned bytes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace streamprobe::zookeeper::testing {

// A listening socket on 127.0.0.1 that accepts into its backlog and never
// answers (like a SIGSTOPped server). Closed on destruction.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port with nothing listening (bound, then closed).
inline int ClosedPort() {
  SilentServer s;
  return s.port();
}

// Accepts one connection, reads the 4-byte word, writes `reply` and closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply)
      : thread_([this, reply = std::move(reply)] {
          int c = accept(server_.fd(), nullptr, nullptr);
          if (c < 0) return;
          char word[4];
          for (std::size_t got = 0; got < sizeof word;) {
            ssize_t n = read(c, word + got, sizeof word - got);
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
          }
          received_.assign(word, sizeof word);
          [[maybe_unused]] ssize_t w = send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
          close(c);
        }) {}
  ~OneShotServer() { thread_.join(); }
  int port() const { return server_.port(); }
  // The word the client sent; valid after the client got its answer.
  const std::string& received() const { return received_; }

 private:
  SilentServer server_;
  std::string received_;
  std::thread thread_;
};

}  // namespace streamprobe::zookeeper::testing
