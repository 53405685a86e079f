// The production EndpointChecker: TCP connect + ApiVersions v0 (src/net/tcp.h).
#include <atomic>

#include "kafka/kafka_client.h"
#include "kafka/kafka_parse.h"
#include "net/tcp.h"

namespace streamprobe::kafka {
namespace {

class ApiVersionsChecker : public EndpointChecker {
 public:
  explicit ApiVersionsChecker(bool tls_only) : tls_only_(tls_only) {}

  Status Check(const std::string& host, int port, Deadline deadline) override {
    auto conn = TcpConnection::Open(host, port, deadline);
    if (!conn.ok()) return conn.status;
    if (tls_only_) return Status::Ok();
    const std::int32_t correlation = next_correlation_.fetch_add(1);
    Status sent = conn.value->SendAll(BuildApiVersionsRequest(correlation, "streamprobe"), deadline);
    if (!sent.ok()) return sent;
    auto prefix = conn.value->ReadExactly(4, deadline);
    if (!prefix.ok()) return prefix.status;
    auto size = ParseResponseSize(prefix.value);
    if (!size.ok()) return size.status;
    auto body = conn.value->ReadExactly(static_cast<std::size_t>(size.value), deadline);
    if (!body.ok()) return body.status;
    auto parsed = ParseApiVersionsResponse(body.value);
    if (!parsed.ok()) return parsed.status;
    if (parsed.value.correlation_id != correlation) {
      return Status::Fail(Reason::kBadPayload, "ApiVersions correlation id mismatch");
    }
    return Status::Ok();  // any error code still proves a live Kafka broker answered
  }

 private:
  bool tls_only_;
  std::atomic<std::int32_t> next_correlation_{1};
};

}  // namespace

std::unique_ptr<EndpointChecker> NewApiVersionsChecker(bool tls_only) {
  return std::make_unique<ApiVersionsChecker>(tls_only);
}

}  // namespace streamprobe::kafka
