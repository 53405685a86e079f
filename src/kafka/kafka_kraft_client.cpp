// The production ControllerClient: one TCP connection per round carrying
// ApiVersions v0 and then DescribeQuorum v1 (src/net/tcp.h bounds every step
// by the deadline).
#include <atomic>

#include "kafka/kafka_kraft.h"
#include "kafka/kafka_parse.h"
#include "net/tcp.h"

namespace streamprobe::kafka {
namespace {

constexpr std::int16_t kProduceApiKey = 0;

// Reads one size-prefixed response body of at most `max_bytes`.
Result<std::string> ReadResponse(TcpConnection& conn, std::size_t max_bytes, Deadline deadline) {
  auto prefix = conn.ReadExactly(4, deadline);
  if (!prefix.ok()) return Result<std::string>::Fail(prefix.status);
  auto size = ParseResponseSize(prefix.value, max_bytes);
  if (!size.ok()) return Result<std::string>::Fail(size.status);
  return conn.ReadExactly(static_cast<std::size_t>(size.value), deadline);
}

// A controller listener lists only the APIs controllers serve: Produce marks a
// broker listener (it would forward DescribeQuorum and look like the leader).
Status CheckControllerListener(const ApiVersionsResponse& versions) {
  for (const ApiRange& api : versions.apis) {
    if (api.key == kProduceApiKey) {
      return Status::Fail(Reason::kOther, "endpoint accepts Produce: a broker listener, not a controller listener");
    }
  }
  if (!Supports(versions, kDescribeQuorumApiKey, kDescribeQuorumVersion)) {
    return Status::Fail(Reason::kOther, "controller does not accept DescribeQuorum v1 (needs Kafka 3.3 or later)");
  }
  return Status::Ok();
}

class TcpControllerClient final : public ControllerClient {
 public:
  Result<QuorumDescription> Describe(const std::string& host, int port, Deadline deadline) override {
    using R = Result<QuorumDescription>;
    auto conn = TcpConnection::Open(host, port, deadline);
    if (!conn.ok()) return R::Fail(conn.status);
    const std::int32_t versions_id = next_correlation_.fetch_add(2);
    Status sent = conn.value->SendAll(BuildApiVersionsRequest(versions_id, "streamprobe"), deadline);
    if (!sent.ok()) return R::Fail(sent);
    auto versions_body = ReadResponse(*conn.value, kMaxApiVersionsResponse, deadline);
    if (!versions_body.ok()) return R::Fail(versions_body.status);
    auto versions = ParseApiVersionsResponse(versions_body.value);
    if (!versions.ok()) return R::Fail(versions.status);
    if (versions.value.correlation_id != versions_id) {
      return R::Fail(Reason::kBadPayload, "ApiVersions correlation id mismatch");
    }
    if (Status listener = CheckControllerListener(versions.value); !listener.ok()) return R::Fail(listener);
    const std::int32_t quorum_id = versions_id + 1;
    sent = conn.value->SendAll(BuildDescribeQuorumRequest(quorum_id, "streamprobe"), deadline);
    if (!sent.ok()) return R::Fail(sent);
    auto body = ReadResponse(*conn.value, kMaxDescribeQuorumResponse, deadline);
    if (!body.ok()) return R::Fail(body.status);
    auto parsed = ParseDescribeQuorumResponse(body.value);
    if (parsed.ok() && parsed.value.correlation_id != quorum_id) {
      return R::Fail(Reason::kBadPayload, "DescribeQuorum correlation id mismatch");
    }
    return parsed;
  }

 private:
  std::atomic<std::int32_t> next_correlation_{1};
};

}  // namespace

std::shared_ptr<ControllerClient> NewTcpControllerClient() {
  return std::make_shared<TcpControllerClient>();
}

}  // namespace streamprobe::kafka
