// The parent side of the Kafka client worker (kafka_worker.h): a KafkaClient
// that forwards every call over the pipes and supervises the child.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

#include <nlohmann/json.hpp>

#include "kafka/kafka_client.h"
#include "kafka/kafka_worker_process.h"

namespace streamprobe::kafka {

struct RestartBackoff {
  std::chrono::milliseconds initial{1000};  // after the first fault
  std::chrono::milliseconds max{30000};     // doubling stops here
};

// Starts the worker on the first call. A call the worker does not answer by
// its deadline, an exit or crash, or a bad/oversize frame is a fault: the
// worker is killed (SIGKILL) and reaped, the call and every later call until
// TakeHealth() fail with reason `other`, and TakeHealth() reports the fault.
// A new worker starts no sooner than the back-off after the previous start;
// the back-off doubles while workers keep failing and resets after a worker
// answered a call. Thread-safe (calls are serialised).
class SupervisedKafkaClient : public KafkaClient {
 public:
  SupervisedKafkaClient(KafkaConfig config, WorkerCommand command, RestartBackoff backoff = {});

  Result<ClusterMeta> Metadata(Deadline deadline) override;
  Result<std::map<std::string, int>> MinInsyncReplicas(const std::vector<std::string>& topics,
                                                       Deadline deadline) override;
  Result<std::vector<GroupInfo>> ListGroups(Deadline deadline) override;
  std::map<std::string, GroupInfo> DescribeGroups(const std::vector<std::string>& ids,
                                                  Deadline deadline) override;
  std::vector<GroupOffsets> CommittedOffsets(const std::vector<std::string>& ids,
                                             Deadline deadline) override;
  std::map<TopicPartition, std::int64_t> LogEndOffsets(
      const std::vector<TopicPartition>& partitions, Deadline deadline) override;
  CanaryResult Canary(const std::string& topic, int partition, Deadline deadline) override;
  ClientHealth TakeHealth() override;

  // The worker's pid, -1 when none runs (for tests).
  pid_t worker_pid() const;

 private:
  // The worker's "result" for `call`, or nullopt after a fault (see fault_).
  std::optional<nlohmann::json> Call(const char* call, nlohmann::json args, Deadline deadline);
  template <typename T>
  Result<T> CallResult(const char* call, nlohmann::json args, Deadline deadline);
  template <typename T>
  std::optional<T> CallValue(const char* call, nlohmann::json args, Deadline deadline);
  bool EnsureWorker(Deadline deadline);
  void Fault(std::string detail);

  const KafkaConfig config_;
  const WorkerCommand command_;
  const RestartBackoff backoff_policy_;
  mutable std::mutex mu_;
  WorkerProcess worker_;
  Status fault_;  // set by a fault, cleared by TakeHealth()
  bool started_once_ = false;
  std::chrono::steady_clock::time_point last_start_{};
  std::chrono::milliseconds backoff_{0};
  std::uint64_t restarts_ = 0;
};

}  // namespace streamprobe::kafka
