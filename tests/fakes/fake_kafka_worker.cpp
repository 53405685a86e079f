// A Kafka client worker for tests of the supervised client. It serves the
// real worker protocol with a fake client whose behaviour on every call is
// read from the control file named by argv[1]:
//   good      answer (metadata: one broker, cluster id "fake")
//   crash     raise SIGSEGV
//   exit N    exit with status N
//   hang      never answer
//   garbage   send a frame that is not JSON
//   oversize  announce a frame above the cap
//   config    answer metadata with the received config as cluster id
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "kafka/kafka_frame.h"
#include "kafka/kafka_wire.h"
#include "kafka/kafka_worker.h"
#include "kafka/kafka_worker_process.h"

namespace streamprobe::kafka {
namespace {

class ScriptedClient : public KafkaClient {
 public:
  ScriptedClient(std::string control, KafkaConfig config)
      : control_(std::move(control)), config_(std::move(config)) {}

  Result<ClusterMeta> Metadata(Deadline) override {
    ClusterMeta meta;
    meta.cluster_id = Act() == "config" ? EncodeConfig(config_).dump() : "fake";
    meta.brokers.push_back({1, "127.0.0.1", 9092});
    return Result<ClusterMeta>::Of(meta);
  }
  Result<std::map<std::string, int>> MinInsyncReplicas(const std::vector<std::string>&,
                                                       Deadline) override {
    Act();
    return Result<std::map<std::string, int>>::Of({});
  }
  Result<std::vector<GroupInfo>> ListGroups(Deadline) override {
    Act();
    return Result<std::vector<GroupInfo>>::Of({{"g1", "stable", 1, false}});
  }
  std::map<std::string, GroupInfo> DescribeGroups(const std::vector<std::string>&,
                                                  Deadline) override {
    Act();
    return {};
  }
  std::vector<GroupOffsets> CommittedOffsets(const std::vector<std::string>& ids,
                                             Deadline) override {
    Act();
    std::vector<GroupOffsets> out;
    for (const auto& id : ids) out.push_back({id, true, {{{"t", 0}, 5}}});
    return out;
  }
  std::map<TopicPartition, std::int64_t> LogEndOffsets(const std::vector<TopicPartition>&,
                                                       Deadline) override {
    Act();
    return {{{"t", 0}, 7}};
  }
  CanaryResult Canary(const std::string&, int, Deadline) override {
    Act();
    return {true, true, 0.01};
  }

 private:
  // Misbehaves as the control file says; returns the command otherwise.
  std::string Act() {
    std::ifstream in(control_);
    std::string command;
    int status = 0;
    in >> command >> status;
    if (command == "crash") {
      // Die of the signal itself, as librdkafka's crash does: a sanitizer
      // build would otherwise catch it and exit with status 1.
      signal(SIGSEGV, SIG_DFL);
      raise(SIGSEGV);
    }
    if (command == "exit") std::_Exit(status);
    if (command == "hang") {
      for (;;) pause();
    }
    if (command == "garbage") {
      WriteFrame(kWorkerAnswerFd, "{not json", Deadline::max());
      for (;;) pause();
    }
    if (command == "oversize") {
      const unsigned char header[4] = {0x7f, 0xff, 0xff, 0xff};
      (void)!write(kWorkerAnswerFd, header, sizeof(header));
      for (;;) pause();
    }
    return command;
  }

  std::string control_;
  KafkaConfig config_;
};

}  // namespace
}  // namespace streamprobe::kafka

int main(int argc, char** argv) {
  using namespace streamprobe::kafka;
  if (argc != 2) return 64;
  const std::string control = argv[1];
  return ServeKafkaClient(kWorkerRequestFd, kWorkerAnswerFd, [&](const KafkaConfig& config) {
    return std::make_unique<ScriptedClient>(control, config);
  });
}
