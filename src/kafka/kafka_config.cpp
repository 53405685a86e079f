#include "kafka/kafka_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <set>
#include <string_view>

#include <librdkafka/rdkafka.h>

#include "net/tcp.h"

namespace streamprobe::kafka {
namespace {

// librdkafka 2.0.2 properties flagged sensitive (_RK_SENSITIVE in rdkafka_conf.c).
constexpr std::array<std::string_view, 6> kSecretProperties = {
    "sasl.password",       "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config",
    "ssl.key.password",    "ssl.keystore.password",          "ssl.key.pem"};

// Properties streamprobe sets itself; overriding them would break the probe.
constexpr std::array<std::string_view, 4> kReservedProperties = {
    "bootstrap.servers", "group.id", "enable.auto.commit", "isolation.level"};

// Tries `name`=`value` on a scratch librdkafka conf. The returned message may
// contain the value, so callers must not use it for secrets.
std::string TryConfSet(const std::string& name, const std::string& value) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512] = {0};
  rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr,
                                              sizeof(errstr));
  rd_kafka_conf_destroy(conf);
  if (res == RD_KAFKA_CONF_OK) return "";
  if (res == RD_KAFKA_CONF_UNKNOWN) return "unknown librdkafka property";
  return std::string("rejected by librdkafka: ") + errstr;
}

void DecodeClient(Decoder& section, KafkaConfig& cfg) {
  cfg.client = section.StringMap("client");
  for (const auto& [name, value] : cfg.client) {
    const std::string field = "client." + name;
    if (IsSecretProperty(name)) {
      section.Error(field, "is a secret; give it under client_secrets as {file: ...} or {env: ...}");
    } else if (std::find(kReservedProperties.begin(), kReservedProperties.end(), name) !=
               kReservedProperties.end()) {
      section.Error(field, "is set by streamprobe and cannot be overridden");
    } else if (std::string err = TryConfSet(name, value); !err.empty()) {
      section.Error(field, err);
    }
  }
  Decoder secrets = section.Child("client_secrets");
  for (std::string_view name : kSecretProperties) {
    const std::string key(name);
    if (!secrets.Has(key)) continue;
    Secret secret = secrets.SecretValue(key);
    if (secret.source.empty()) continue;  // error already reported
    if (!TryConfSet(key, secret.value).empty()) {
      secrets.Error(key, "rejected by librdkafka (value not shown)");
      continue;
    }
    cfg.client_secrets[key] = std::move(secret);
  }
  secrets.Finish();
}

void DecodeBootstrap(Decoder& section, KafkaConfig& cfg) {
  if (!section.Has("bootstrap")) {
    section.Error("bootstrap", "is required (a list of host:port)");
    return;
  }
  cfg.bootstrap = section.AddressList("bootstrap", "use client.sasl.username and client_secrets.sasl.password");
  if (cfg.bootstrap.empty()) section.Error("bootstrap", "must list at least one host:port");
  for (std::size_t i = 0; i < cfg.bootstrap.size(); ++i) {
    std::string host;
    int port = 0;
    if (!SplitHostPort(cfg.bootstrap[i], &host, &port)) {
      section.Error("bootstrap[" + std::to_string(i) + "]", "must be host:port");
    }
  }
}

void DecodeZookeeper(Decoder& section, KafkaConfig& cfg) {
  if (!section.Has("zookeeper")) return;
  Decoder zk = section.Child("zookeeper");
  ZkConfig z;
  z.connect = zk.RequiredAddress("connect", "ZooKeeper addresses are host:port");
  if (z.connect.find('/') != std::string::npos) {
    zk.Error("connect", "must not contain a chroot; use the chroot field");
  }
  z.chroot = zk.String("chroot", "/");
  if (z.chroot.empty() || z.chroot.front() != '/') zk.Error("chroot", "must start with /");
  z.session_timeout = zk.Duration("session_timeout", z.session_timeout, Millis(1000),
                                  Millis(120000));
  zk.Finish();
  cfg.zookeeper = z;
}

void DecodeKraft(Decoder& section, KafkaConfig& cfg) {
  if (!section.Has("kraft")) return;
  Decoder kraft = section.Child("kraft");
  if (!kraft.Has("controllers")) {
    kraft.Error("controllers", "is required (a list of controller listener host:port)");
  }
  cfg.kraft.controllers = kraft.AddressList("controllers", "controller listeners are host:port");
  if (kraft.Has("controllers") && cfg.kraft.controllers.empty()) {
    kraft.Error("controllers", "must list at least one host:port");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < cfg.kraft.controllers.size(); ++i) {
    const std::string field = "controllers[" + std::to_string(i) + "]";
    std::string host;
    int port = 0;
    if (!SplitHostPort(cfg.kraft.controllers[i], &host, &port)) kraft.Error(field, "must be host:port");
    if (!seen.insert(cfg.kraft.controllers[i]).second) kraft.Error(field, "repeats " + cfg.kraft.controllers[i]);
  }
  kraft.Finish();
}

void DecodeExpected(Decoder& section, KafkaConfig& cfg) {
  Decoder ex = section.Child("expected_brokers");
  for (long long id : ex.IntList("ids", 0, INT_MAX)) cfg.expected.ids.push_back(static_cast<int>(id));
  std::set<int> unique(cfg.expected.ids.begin(), cfg.expected.ids.end());
  if (unique.size() != cfg.expected.ids.size()) ex.Error("ids", "must not repeat an id");
  std::sort(cfg.expected.ids.begin(), cfg.expected.ids.end());
  cfg.expected.host_pattern = ex.String("host_pattern");
  if (!cfg.expected.host_pattern.empty() &&
      cfg.expected.host_pattern.find("{id}") == std::string::npos) {
    ex.Error("host_pattern", "must contain {id}");
  }
  ex.Finish();
}

void DecodeOffsetsSource(Decoder& g, ConsumerGroupConfig& groups) {
  const std::string name = g.String("offsets_source", "admin_api");
  for (OffsetsSource source : {OffsetsSource::kAdminApi, OffsetsSource::kOffsetsTopic}) {
    if (name == OffsetsSourceName(source)) {
      groups.offsets_source = source;
      return;
    }
  }
  g.Error("offsets_source", "must be admin_api or offsets_topic");
}

void DecodeGroups(Decoder& section, KafkaConfig& cfg) {
  Decoder g = section.Child("consumer_groups");
  cfg.groups.enabled = g.Bool("enabled", true);
  if (g.Has("allow")) cfg.groups.allow = g.Regex("allow");
  cfg.groups.deny = g.Regex("deny");
  cfg.groups.per_partition = g.Bool("per_partition", false);
  cfg.groups.series_budget = static_cast<int>(g.Int("series_budget", 2000, 1, 1000000));
  DecodeOffsetsSource(g, cfg.groups);
  g.Finish();
}

void DecodeCanary(Decoder& section, KafkaConfig& cfg) {
  if (!section.Has("canary")) return;
  Decoder c = section.Child("canary");
  cfg.canary.topic = c.RequiredString("topic");
  cfg.canary.partition = static_cast<int>(c.Int("partition", 0, 0, 1000000));
  c.Finish();
}

}  // namespace

const char* OffsetsSourceName(OffsetsSource source) {
  return source == OffsetsSource::kOffsetsTopic ? "offsets_topic" : "admin_api";
}

bool IsSecretProperty(const std::string& name) {
  return std::find(kSecretProperties.begin(), kSecretProperties.end(), name) !=
         kSecretProperties.end();
}

std::string KafkaConfig::BootstrapServers() const {
  std::string out;
  for (const auto& b : bootstrap) out += (out.empty() ? "" : ",") + b;
  return out;
}

std::string KafkaConfig::ExpectedHost(int id) const {
  std::string host = expected.host_pattern;
  for (auto pos = host.find("{id}"); pos != std::string::npos; pos = host.find("{id}")) {
    host.replace(pos, 4, std::to_string(id));
  }
  return host;
}

bool KafkaConfig::UsesTls() const {
  auto it = client.find("security.protocol");
  if (it == client.end()) return false;
  std::string p = it->second;
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return p == "ssl" || p == "sasl_ssl";
}

KafkaConfig DecodeKafkaConfig(Decoder& section, const ClusterContext& cluster) {
  KafkaConfig cfg;
  cfg.schedule = ReadSchedule(section, cluster);
  DecodeBootstrap(section, cfg);
  DecodeZookeeper(section, cfg);
  DecodeKraft(section, cfg);
  DecodeExpected(section, cfg);
  DecodeGroups(section, cfg);
  DecodeCanary(section, cfg);
  DecodeClient(section, cfg);
  section.Finish();
  return cfg;
}

}  // namespace streamprobe::kafka
