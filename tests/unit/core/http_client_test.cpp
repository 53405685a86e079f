// The libcurl client against loopback servers that send bodies over the cap.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "net/body_budget.h"
#include "net/http_client.h"
#include "support/loopback.h"

namespace streamprobe {
namespace {

using std::chrono::steady_clock;

// Accepts one connection on 127.0.0.1, reads the request head and hands the
// socket to `respond`. Joins on destruction; `respond` must return once the
// client closes (a failed write).
class OneConnectionServer {
 public:
  explicit OneConnectionServer(std::function<void(int)> respond) {
    thread_ = std::thread([this, respond = std::move(respond)] {
      const int c = accept(listener_.fd(), nullptr, nullptr);
      if (c < 0) return;
      ReadHead(c);
      respond(c);
      close(c);
    });
  }
  ~OneConnectionServer() { thread_.join(); }
  OneConnectionServer(const OneConnectionServer&) = delete;
  OneConnectionServer& operator=(const OneConnectionServer&) = delete;
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(listener_.port()) + "/";
  }

 private:
  static void ReadHead(int c) {
    std::string head;
    char buf[1024];
    while (head.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) return;
      head.append(buf, static_cast<std::size_t>(n));
    }
  }

  testing::SilentServer listener_;
  std::thread thread_;
};

bool WriteAll(int c, const std::string& bytes) {
  return send(c, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

HttpRequest RequestTo(const std::string& url, std::size_t max_body_bytes) {
  HttpRequest request;
  request.url = url;
  request.max_body_bytes = max_body_bytes;
  request.deadline = steady_clock::now() + std::chrono::seconds(5);
  return request;
}

TEST(CurlHttpClientTest, EndlessChunkedBodyFailsAsBadPayloadAtTheCap) {
  InitHttpGlobal();
  OneConnectionServer server([](int c) {
    if (!WriteAll(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) return;
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    // Bounded: 1 GiB at most, far past any cap used here.
    for (int i = 0; i < 16384 && WriteAll(c, chunk); ++i) {
    }
  });
  const auto started = steady_clock::now();
  Result<HttpResponse> got = NewCurlHttpClient()->Do(RequestTo(server.url(), 1u << 20));
  EXPECT_EQ(got.status.reason(), Reason::kBadPayload) << got.status.detail();
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(CurlHttpClientTest, DeclaredLengthOverTheCapFailsBeforeTheBody) {
  InitHttpGlobal();
  OneConnectionServer server([](int c) {
    // Announces 200 MB, then sends nothing: only the header can tell.
    WriteAll(c, "HTTP/1.1 200 OK\r\nContent-Length: 200000000\r\n\r\n");
    char byte;
    while (read(c, &byte, 1) > 0) {
    }
  });
  const auto started = steady_clock::now();
  Result<HttpResponse> got = NewCurlHttpClient()->Do(RequestTo(server.url(), 1u << 20));
  EXPECT_EQ(got.status.reason(), Reason::kBadPayload) << got.status.detail();
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(CurlHttpClientTest, BodyUpToTheCapIsReturnedWhole) {
  InitHttpGlobal();
  const std::string body(1u << 20, 'y');
  OneConnectionServer server([&](int c) {
    WriteAll(c, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + body);
  });
  Result<HttpResponse> got = NewCurlHttpClient()->Do(RequestTo(server.url(), body.size()));
  ASSERT_TRUE(got.ok()) << got.status.detail();
  EXPECT_EQ(got.value.status, 200);
  EXPECT_EQ(got.value.body.size(), body.size());
  EXPECT_LE(got.value.body.capacity(), body.size() + 64);
}

TEST(CurlHttpClientTest, LargeBodyFailsEarlyWhenTheSharedBudgetIsSpent) {
  InitHttpGlobal();
  const std::string body(1u << 20, 'z');
  auto serve = [&](int c) {
    WriteAll(c, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + body);
  };
  // Other transfers hold the whole budget: a body past the floor fails...
  BodyBudget& budget = BodyBudget::Shared();
  ASSERT_TRUE(budget.TryTake(budget.capacity()));
  {
    OneConnectionServer server(serve);
    Result<HttpResponse> got = NewCurlHttpClient()->Do(RequestTo(server.url(), 4u << 20));
    EXPECT_EQ(got.status.reason(), Reason::kBadPayload);
    EXPECT_NE(got.status.detail().find("shared budget for large bodies"), std::string::npos)
        << got.status.detail();
  }
  budget.Give(budget.capacity());
  // ...and succeeds once they are done, giving its share back at the end.
  OneConnectionServer server(serve);
  Result<HttpResponse> got = NewCurlHttpClient()->Do(RequestTo(server.url(), 4u << 20));
  ASSERT_TRUE(got.ok()) << got.status.detail();
  EXPECT_EQ(got.value.body.size(), body.size());
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(BodyBudgetTest, TakesOnlyWhatIsFree) {
  BodyBudget budget(100);
  EXPECT_TRUE(budget.TryTake(60));
  EXPECT_FALSE(budget.TryTake(41));
  EXPECT_TRUE(budget.TryTake(40));
  EXPECT_EQ(budget.in_use(), 100u);
  budget.Give(60);
  EXPECT_TRUE(budget.TryTake(50));
  EXPECT_EQ(budget.in_use(), 90u);
}

}  // namespace
}  // namespace streamprobe
