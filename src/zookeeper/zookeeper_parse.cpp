#include "zookeeper/zookeeper_parse.h"

#include "net/json.h"

#include <cctype>
#include <charconv>
#include <map>

#include <nlohmann/json.hpp>

namespace streamprobe::zookeeper {
namespace {

using nlohmann::json;

constexpr std::string_view kNotServingText =
    "This ZooKeeper instance is not currently serving requests";
constexpr std::string_view kNotWhitelistedText = "is not executed because it is not in the whitelist";

Status BadPayload(std::string detail) { return Status::Fail(Reason::kBadPayload, std::move(detail)); }
Status NotServing() { return Status::Fail(Reason::kNotServing, std::string(kNotServingText)); }

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::optional<double> ToDouble(std::string_view s) {
  s = Trim(s);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// "0x100000042" (srvr) -> 4294967362.
std::optional<long long> ToZxid(std::string_view s) {
  s = Trim(s);
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  unsigned long long value = 0;
  const auto [ptr, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), value, 16);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return static_cast<long long>(value);
}

// Splits text into "key<sep>value" pairs, one per line; lines without the
// separator are skipped. Bounded by the reply size the caller accepted.
std::map<std::string, std::string, std::less<>> KeyValues(std::string_view text, std::string_view sep) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    const auto at = line.find(sep);
    if (at == std::string_view::npos) continue;
    out.emplace(std::string(Trim(line.substr(0, at))), std::string(Trim(line.substr(at + sep.size()))));
  }
  return out;
}

// Fills ServerStats from monitor keys without the "zk_" prefix (mntr and the
// AdminServer share these names).
Result<ServerStats> FromMonitorKeys(const std::map<std::string, std::string, std::less<>>& kv,
                                    std::string_view what) {
  auto get = [&](std::string_view key) -> const std::string* {
    auto it = kv.find(key);
    return it == kv.end() ? nullptr : &it->second;
  };
  auto number = [&](std::string_view key) -> std::optional<double> {
    const std::string* v = get(key);
    return v ? ToDouble(*v) : std::nullopt;
  };
  const std::string* state = get("server_state");
  if (state == nullptr || state->empty()) {
    return Result<ServerStats>::Fail(BadPayload(std::string(what) + " has no server_state"));
  }
  ServerStats s;
  s.mode = state->substr(0, 32);
  if (const std::string* v = get("version")) s.version = ShortVersion(*v);
  s.latency_min_ms = number("min_latency");
  s.latency_avg_ms = number("avg_latency");
  s.latency_max_ms = number("max_latency");
  s.outstanding_requests = number("outstanding_requests");
  s.znode_count = number("znode_count");
  s.ephemerals_count = number("ephemerals_count");
  s.watch_count = number("watch_count");
  s.alive_connections = number("num_alive_connections");
  s.learners = number("learners");
  if (!s.learners) s.learners = number("followers");  // ZooKeeper 3.5
  s.synced_followers = number("synced_followers");
  s.pending_syncs = number("pending_syncs");
  s.quorum_size = number("quorum_size");
  return Result<ServerStats>::Of(std::move(s));
}

// Latency "min/avg/max" triple of srvr.
void ParseLatencies(std::string_view text, ServerStats& s) {
  std::optional<double>* slots[] = {&s.latency_min_ms, &s.latency_avg_ms, &s.latency_max_ms};
  for (auto* slot : slots) {
    const auto slash = text.find('/');
    *slot = ToDouble(text.substr(0, slash));
    if (slash == std::string_view::npos) return;
    text = text.substr(slash + 1);
  }
}

}  // namespace

bool IsNotWhitelisted(std::string_view reply) {
  return reply.find(kNotWhitelistedText) != std::string_view::npos;
}

bool IsNotServing(std::string_view reply) {
  return reply.find(kNotServingText) != std::string_view::npos;
}

bool IsImOk(std::string_view reply) { return Trim(reply) == "imok"; }

std::string ShortVersion(std::string_view full) {
  std::size_t n = 0;
  while (n < full.size() && n < 32 && (std::isdigit(static_cast<unsigned char>(full[n])) || full[n] == '.')) ++n;
  std::string_view v = full.substr(0, n);
  while (!v.empty() && v.back() == '.') v.remove_suffix(1);
  return std::string(v);
}

Result<ServerStats> ParseSrvr(std::string_view text) {
  if (IsNotServing(text)) return Result<ServerStats>::Fail(NotServing());
  const auto kv = KeyValues(text, ":");
  auto mode = kv.find("Mode");
  if (mode == kv.end() || mode->second.empty()) {
    return Result<ServerStats>::Fail(BadPayload("srvr reply has no Mode line"));
  }
  ServerStats s;
  s.mode = mode->second.substr(0, 32);
  auto get = [&](std::string_view key) -> std::string_view {
    auto it = kv.find(key);
    return it == kv.end() ? std::string_view{} : std::string_view(it->second);
  };
  s.version = ShortVersion(get("Zookeeper version"));
  ParseLatencies(get("Latency min/avg/max"), s);
  s.outstanding_requests = ToDouble(get("Outstanding"));
  s.alive_connections = ToDouble(get("Connections"));
  s.znode_count = ToDouble(get("Node count"));
  s.zxid = ToZxid(get("Zxid"));
  return Result<ServerStats>::Of(std::move(s));
}

Result<ServerStats> ParseMntr(std::string_view text) {
  if (IsNotServing(text)) return Result<ServerStats>::Fail(NotServing());
  if (IsNotWhitelisted(text)) return Result<ServerStats>::Fail(BadPayload("mntr is not whitelisted"));
  std::map<std::string, std::string, std::less<>> keys;
  for (auto& [key, value] : KeyValues(text, "\t")) {
    if (key.starts_with("zk_")) keys.emplace(key.substr(3), std::move(value));
  }
  return FromMonitorKeys(keys, "mntr reply");
}

Result<ServerStats> ParseAdminMonitor(std::string_view body) {
  json doc = ParseJsonBounded(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return Result<ServerStats>::Fail(BadPayload("AdminServer monitor reply is not a JSON object"));
  }
  if (auto err = doc.find("error"); err != doc.end() && !err->is_null()) {
    const std::string text = err->is_string() ? err->get<std::string>() : err->dump();
    if (IsNotServing(text)) return Result<ServerStats>::Fail(NotServing());
    return Result<ServerStats>::Fail(BadPayload("AdminServer monitor error: " + text.substr(0, 200)));
  }
  std::map<std::string, std::string, std::less<>> keys;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) keys.emplace(key, value.get<std::string>());
    else if (value.is_number()) keys.emplace(key, value.dump());
  }
  return FromMonitorKeys(keys, "AdminServer monitor reply");
}

}  // namespace streamprobe::zookeeper
