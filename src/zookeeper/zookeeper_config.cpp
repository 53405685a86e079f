#include "zookeeper/zookeeper_config.h"

#include <set>

#include "net/tcp.h"

namespace streamprobe::zookeeper {
namespace {

constexpr std::size_t kMaxMembers = 15;
constexpr std::size_t kMaxChecks = 100;

void DecodeMembers(Decoder& section, ZookeeperConfig& cfg) {
  if (!section.Has("members")) {
    section.Error("members", "is required (a list of host:port)");
    return;
  }
  cfg.members = section.AddressList("members", "ZooKeeper addresses are host:port");
  if (cfg.members.empty()) section.Error("members", "must list at least one host:port");
  if (cfg.members.size() > kMaxMembers) {
    section.Error("members", "lists more than " + std::to_string(kMaxMembers) + " members");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < cfg.members.size(); ++i) {
    const std::string field = "members[" + std::to_string(i) + "]";
    std::string host;
    int port = 0;
    if (!SplitHostPort(cfg.members[i], &host, &port)) section.Error(field, "must be host:port");
    if (!seen.insert(cfg.members[i]).second) section.Error(field, "is listed twice");
  }
}

void DecodeAdminServer(Decoder& section, ZookeeperConfig& cfg) {
  if (!section.Has("admin_server")) return;
  Decoder admin = section.Child("admin_server");
  if (!admin.Has("port")) admin.Error("port", "is required (the AdminServer port, e.g. 8080)");
  cfg.admin_server_port = static_cast<int>(admin.Int("port", 8080, 1, 65535));
  admin.Finish();
}

bool IsAbsolutePath(const std::string& path) {
  return !path.empty() && path.front() == '/' && (path.size() == 1 || path.back() != '/') &&
         path.find("//") == std::string::npos;
}

void DecodeChecks(Decoder& section, ZookeeperConfig& cfg) {
  std::vector<Decoder> items = section.Sequence("znode_checks");
  if (items.size() > kMaxChecks) {
    section.Error("znode_checks", "has more than " + std::to_string(kMaxChecks) + " checks");
  }
  std::set<std::string> seen;
  for (Decoder& item : items) {
    ZnodeCheck check;
    check.path = item.RequiredString("path");
    if (!check.path.empty() && !IsAbsolutePath(check.path)) {
      item.Error("path", "must be an absolute znode path like /brokers/ids");
    } else if (!check.path.empty() && !seen.insert(check.path).second) {
      item.Error("path", "is checked twice; combine the thresholds in one check");
    }
    if (item.Has("min_children")) check.min_children = item.Int("min_children", 0, 0, 1000000);
    if (item.Has("max_data_age")) {
      check.max_data_age = item.Duration("max_data_age", Millis(0), Millis(1000), Millis(86400000LL * 365));
    }
    item.Finish();
    cfg.znode_checks.push_back(std::move(check));
  }
}

}  // namespace

std::string ZookeeperConfig::ConnectString() const {
  std::string out;
  for (const std::string& m : members) out += (out.empty() ? "" : ",") + m;
  return out;
}

ZookeeperConfig DecodeZookeeperConfig(Decoder& section) {
  ZookeeperConfig cfg;
  DecodeMembers(section, cfg);
  DecodeAdminServer(section, cfg);
  if (section.Has("kafka_chroot")) {
    std::string chroot = section.String("kafka_chroot");
    if (!IsAbsolutePath(chroot)) section.Error("kafka_chroot", "must be an absolute path like / or /kafka");
    cfg.kafka_chroot = std::move(chroot);
  }
  cfg.session_timeout =
      section.Duration("session_timeout", cfg.session_timeout, Millis(1000), Millis(600000));
  DecodeChecks(section, cfg);
  return cfg;
}

}  // namespace streamprobe::zookeeper
