// The production seams against local sockets that misbehave: nothing listening,
// a listener that never answers, garbage answers, unresolvable names.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "kafka/kafka_client.h"
#include "kafka/kafka_parse.h"
#include "kafka/kafka_rdkafka_handle.h"

namespace streamprobe::kafka {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// A loopback listener; `reply` (if set) is written to each accepted connection
// after reading the request, else connections are held open and silent.
class Listener {
 public:
  explicit Listener(std::string reply = "", bool accept = true) : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    if (accept) thread_ = std::thread([this] { Serve(); });
  }
  ~Listener() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    if (thread_.joinable()) thread_.join();
    for (int c : clients_) close(c);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      clients_.push_back(c);
      if (reply_.empty()) continue;
      char buf[256];
      if (read(c, buf, sizeof(buf)) > 0) {
        [[maybe_unused]] auto n = write(c, reply_.data(), reply_.size());
      }
    }
  }
  int fd_;
  int port_ = 0;
  std::string reply_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<int> clients_;
};

int ClosedPort() {
  Listener l("", false);
  return l.port();  // closed when `l` goes away
}

TEST(ApiVersionsChecker, NothingListeningIsRefused) {
  auto checker = NewApiVersionsChecker(false);
  Status s = checker->Check("127.0.0.1", ClosedPort(), SteadyClock::now() + milliseconds(1000));
  EXPECT_EQ(s.reason(), Reason::kRefused) << s.detail();
}

TEST(ApiVersionsChecker, SilentListenerTimesOutByTheDeadline) {
  Listener silent;
  auto checker = NewApiVersionsChecker(false);
  const auto start = SteadyClock::now();
  Status s = checker->Check("127.0.0.1", silent.port(), start + milliseconds(300));
  EXPECT_EQ(s.reason(), Reason::kTimeout) << s.detail();
  EXPECT_LT(SteadyClock::now() - start, milliseconds(1000));
}

TEST(ApiVersionsChecker, TlsOnlyModeAcceptsAnyListener) {
  Listener silent;
  auto checker = NewApiVersionsChecker(true);
  EXPECT_TRUE(checker->Check("127.0.0.1", silent.port(), SteadyClock::now() + milliseconds(500)).ok());
}

TEST(ApiVersionsChecker, HttpAnswerIsBadPayload) {
  Listener http("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  auto checker = NewApiVersionsChecker(false);
  Status s = checker->Check("127.0.0.1", http.port(), SteadyClock::now() + milliseconds(1000));
  EXPECT_EQ(s.reason(), Reason::kBadPayload) << s.detail();
}

TEST(ApiVersionsChecker, WrongCorrelationIdIsBadPayload) {
  // A well-formed v0 response for correlation id 999 with no entries.
  std::string body("\x00\x00\x03\xe7\x00\x00\x00\x00\x00\x00", 10);
  Listener liar(std::string("\x00\x00\x00\x0a", 4) + body);
  auto checker = NewApiVersionsChecker(false);
  Status s = checker->Check("127.0.0.1", liar.port(), SteadyClock::now() + milliseconds(1000));
  EXPECT_EQ(s.reason(), Reason::kBadPayload) << s.detail();
}

KafkaConfig ConfigFor(const std::string& bootstrap) {
  KafkaConfig cfg;
  cfg.bootstrap = {bootstrap};
  cfg.schedule = {milliseconds(2000), milliseconds(1500)};
  return cfg;
}

TEST(RdKafkaClient, RefusedBootstrapIsReasonRefusedWithinTheDeadline) {
  auto client = NewRdKafkaClient(ConfigFor("127.0.0.1:" + std::to_string(ClosedPort())));
  const auto start = SteadyClock::now();
  auto meta = client->Metadata(start + milliseconds(1500));
  EXPECT_EQ(meta.status.reason(), Reason::kRefused) << meta.status.detail();
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2500));
}

TEST(RdKafkaClient, SilentBrokerIsTimeout) {
  Listener silent;
  auto client = NewRdKafkaClient(ConfigFor("127.0.0.1:" + std::to_string(silent.port())));
  const auto start = SteadyClock::now();
  auto meta = client->Metadata(start + milliseconds(1000));
  EXPECT_EQ(meta.status.reason(), Reason::kTimeout) << meta.status.detail();
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
}

TEST(RdKafkaClient, UnresolvableBootstrapIsDns) {
  auto client = NewRdKafkaClient(ConfigFor("streamprobe-no-such-host.invalid:9092"));
  auto meta = client->Metadata(SteadyClock::now() + milliseconds(1500));
  EXPECT_EQ(meta.status.reason(), Reason::kDns) << meta.status.detail();
}

TEST(ErrorTracker, RanksConfigurationProblemsAboveTransportErrors) {
  ErrorTracker t;
  t.Record(RD_KAFKA_RESP_ERR__TRANSPORT, "Connect to ipv4#127.0.0.1:1 failed: Connection refused");
  EXPECT_EQ(t.Classify(RD_KAFKA_RESP_ERR__TRANSPORT, "metadata").reason(), Reason::kRefused);
  t.Record(RD_KAFKA_RESP_ERR__AUTHENTICATION, "SASL authentication error");
  t.Record(RD_KAFKA_RESP_ERR__TRANSPORT, "Connection refused");
  EXPECT_EQ(t.Classify(RD_KAFKA_RESP_ERR__TIMED_OUT, "metadata").reason(), Reason::kAuth);
  t.Reset();
  EXPECT_EQ(t.Classify(RD_KAFKA_RESP_ERR__TIMED_OUT, "metadata").reason(), Reason::kTimeout);
  t.Record(RD_KAFKA_RESP_ERR__SSL, "SSL handshake failed");
  EXPECT_EQ(t.Classify(RD_KAFKA_RESP_ERR__TIMED_OUT, "metadata").reason(), Reason::kTls);
  t.Reset();
  EXPECT_EQ(t.Classify(RD_KAFKA_RESP_ERR__RESOLVE, "metadata").reason(), Reason::kDns);
}

}  // namespace
}  // namespace streamprobe::kafka
