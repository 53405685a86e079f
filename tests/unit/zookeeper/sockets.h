// Loopback sockets that misbehave like ZooKeeper members can: refuse, stay
// silent (SIGSTOPped), or answer once with canned bytes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "support/loopback.h"

namespace streamprobe::zookeeper::testing {

using streamprobe::testing::ClosedPort;
using streamprobe::testing::SilentServer;

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
