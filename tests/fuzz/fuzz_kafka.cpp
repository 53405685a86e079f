// libFuzzer target: what Kafka writes into ZooKeeper (/brokers/ids/<id>,
// /controller, /controller_epoch, /cluster/id) and the ApiVersions v0 answer
// and endpoint strings of kafka/kafka_parse.h, the __consumer_offsets record
// keys and values of kafka/kafka_offsets_parse.h, and the DescribeQuorum answer
// of kafka/kafka_kraft_wire.h. None may crash or throw.
#include <string>

#include "fuzz_check.h"
#include "kafka/kafka_kraft_wire.h"
#include "kafka/kafka_offsets_parse.h"
#include "kafka/kafka_parse.h"
#include "zookeeper/kafka_registry.h"

namespace zk = streamprobe::zookeeper;
namespace kafka = streamprobe::kafka;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::Require;

namespace {

void FuzzRegistry(const std::string& payload) {
  const zk::ZnodeStat stat;
  const zk::BrokerRegistration broker = zk::ParseBrokerRegistration(7, payload, stat);
  Require(broker.id == 7, "a broker registration keeps the id of its znode");
  (void)zk::ParseControllerRegistration(payload, stat);
  (void)zk::ParseControllerEpoch(payload);
  (void)zk::ParseClusterId(payload);
}

void FuzzApiVersions(std::string_view bytes) {
  if (bytes.size() >= 4) {
    const auto size = kafka::ParseResponseSize(bytes.substr(0, 4));
    if (size.ok()) {
      Require(size.value >= 0 && static_cast<std::size_t>(size.value) <= kafka::kMaxApiVersionsResponse,
              "an accepted response size is within the cap");
    }
  }
  const auto response = kafka::ParseApiVersionsResponse(bytes);
  if (response.ok()) Require(response.value.api_count >= 0, "api_count is not negative");
}

void FuzzEndpoint(std::string_view text) {
  std::string host;
  int port = 0;
  if (kafka::ParseEndpoint(text, &host, &port)) {
    Require(port >= 0 && port <= 65535, "a parsed endpoint has a TCP port");
  }
}

// The same bytes as an offsets-topic record key and as a commit value.
void FuzzOffsetsRecord(std::string_view bytes) {
  (void)kafka::ParseOffsetsKey(bytes);
  (void)kafka::ParseOffsetCommitValue(bytes);
}

void FuzzDescribeQuorum(std::string_view bytes) {
  const auto quorum = kafka::ParseDescribeQuorumResponse(bytes);
  if (quorum.ok()) {
    Require(quorum.value.voters.size() <= kafka::kMaxQuorumReplicas &&
                quorum.value.observers.size() <= kafka::kMaxQuorumReplicas,
            "replica lists stay within the cap");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = AsText(data, size);
  FuzzRegistry(std::string(bytes));
  FuzzApiVersions(bytes);
  FuzzEndpoint(bytes);
  FuzzOffsetsRecord(bytes);
  FuzzDescribeQuorum(bytes);
  return 0;
}
