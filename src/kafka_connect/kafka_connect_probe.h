// Kafka Connect probes: one per worker, plus one `connectors` target per cluster.
// Read-only: only GET requests are ever sent.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/probe.h"
#include "kafka_connect/kafka_connect_config.h"
#include "net/http_client.h"

namespace streamprobe {

// GETs against the Connect REST API with the section's auth, TLS and body cap.
struct ConnectHttp {
  std::shared_ptr<HttpClient> client;
  std::string user;
  std::string password;  // never logged
  TlsOptions tls;
  std::size_t max_body_bytes = 4u << 20;

  // GET `url` by `deadline`: transport failures as their reason; an answer of any
  // HTTP status is returned as is.
  Result<HttpResponse> Get(const std::string& url, Clock::time_point deadline) const;
};
ConnectHttp MakeConnectHttp(const KafkaConnectConfig& config, std::shared_ptr<HttpClient> client);

// Status for a non-2xx answer: CheckHttpStatus's reason, with the Connect error
// body's message (if any) in the detail.
Status ConnectHttpFailure(const std::string& what, const HttpResponse& response);

// "host:port" of a worker URL (default port 80/443), as Connect's worker_id has it.
std::string WorkerIdOfUrl(const std::string& url);

// The fact key under which a worker target publishes "1"/"0" for reachable.
std::string WorkerReachableFactKey(const std::string& worker_id);

// One worker: GET / (version, commit, kafka_cluster_id) and GET /health.
// Fails with not_serving when /health says starting or unhealthy.
class KafkaConnectWorkerProbe : public Probe {
 public:
  KafkaConnectWorkerProbe(std::string cluster, std::string url, ConnectHttp http);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  void LogHealthChange(const std::string& now, const Status& status);

  std::string cluster_;
  std::string url_;
  ConnectHttp http_;
  std::string last_health_;  // for logging health changes once
};

// The connectors of the cluster, listed by the first worker (in configured
// order) that answers GET /connectors?expand=status&expand=info, plus that
// worker's /connector-plugins. Fails with not_serving when a connector or task
// is FAILED or an expected connector or plugin is missing.
class KafkaConnectConnectorsProbe : public Probe {
 public:
  KafkaConnectConnectorsProbe(std::string cluster, KafkaConnectConfig config, ConnectHttp http);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  void LogChanges(const std::map<std::string, std::string>& failures);

  std::string cluster_;
  KafkaConnectConfig config_;
  ConnectHttp http_;
  std::map<std::string, std::string> logged_failures_;  // "conn[/task]" → first trace line
};

}  // namespace streamprobe
