// Seams between the Kafka probe and the network: the Kafka client (librdkafka
// in production, fakes in tests) and the broker endpoint checker.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

using Deadline = std::chrono::steady_clock::time_point;

struct CanaryResult {
  bool produced = false;
  bool consumed = false;
  double round_trip_seconds = 0;  // produce call to message read back; valid if consumed
};

// How the client itself fared since the previous TakeHealth(): clients that
// run librdkafka in a worker process report its crashes and hangs here, so a
// round can fail for them instead of publishing half-read values.
struct ClientHealth {
  Status fault;              // ok, or why a call failed because the client broke
  bool supervised = false;   // the client runs in a worker process (fields below apply)
  bool worker_up = false;    // a worker process is running now
  std::uint64_t restarts = 0;  // workers started after a fault, since the client was made
};

// Everything the probe asks a Kafka cluster. Every call returns by `deadline`.
// Failures carry bounded reasons: dns, refused, timeout, tls, auth, other.
// Called by one probe thread at a time.
class KafkaClient {
 public:
  virtual ~KafkaClient() = default;
  // Brokers, topics, partitions, cluster id and the metadata controller id.
  virtual Result<ClusterMeta> Metadata(Deadline deadline) = 0;
  // min.insync.replicas per topic (DescribeConfigs); topics whose config
  // could not be read are absent.
  virtual Result<std::map<std::string, int>> MinInsyncReplicas(
      const std::vector<std::string>& topics, Deadline deadline) = 0;
  // All consumer groups with their state (members unknown: -1).
  virtual Result<std::vector<GroupInfo>> ListGroups(Deadline deadline) = 0;
  // Member counts and states for `ids`; groups that failed are absent.
  virtual std::map<std::string, GroupInfo> DescribeGroups(const std::vector<std::string>& ids,
                                                          Deadline deadline) = 0;
  // Committed offsets per group; a group that could not be read has ok=false.
  virtual std::vector<GroupOffsets> CommittedOffsets(const std::vector<std::string>& ids,
                                                     Deadline deadline) = 0;
  // Log-end offsets (high watermarks, read_uncommitted) of `partitions`;
  // partitions that failed are absent.
  virtual std::map<TopicPartition, std::int64_t> LogEndOffsets(
      const std::vector<TopicPartition>& partitions, Deadline deadline) = 0;
  // Produces one message to the canary partition and reads it back.
  virtual CanaryResult Canary(const std::string& topic, int partition, Deadline deadline) = 0;
  // Reports and clears the client's own faults; in-process clients have none.
  virtual ClientHealth TakeHealth() { return {}; }
};

// Checks that a broker endpoint is a live Kafka broker. Thread-safe: the
// probe checks several endpoints at once.
class EndpointChecker {
 public:
  virtual ~EndpointChecker() = default;
  virtual Status Check(const std::string& host, int port, Deadline deadline) = 0;
};

// librdkafka-backed client. Keeps its handles across rounds and recreates
// them after a fatal error or a round in which no broker answered.
std::unique_ptr<KafkaClient> NewRdKafkaClient(const KafkaConfig& config);

// The librdkafka client run in a worker process started with `command`
// (streamprobe itself with kKafkaClientWorkerFlag in production). A worker
// that crashes, hangs past a call's deadline or sends a bad frame is killed;
// the calls of that round then fail with reason `other`, and a new worker is
// started in a later round after a back-off (1 s doubling to 30 s).
struct WorkerCommand;
std::unique_ptr<KafkaClient> NewSupervisedKafkaClient(const KafkaConfig& config,
                                                      const WorkerCommand& command);

// TCP connect plus an ApiVersions v0 round trip (TCP connect only when
// `tls_only` is set, since the listener then expects a TLS handshake).
std::unique_ptr<EndpointChecker> NewApiVersionsChecker(bool tls_only);

}  // namespace streamprobe::kafka
