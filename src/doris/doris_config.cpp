#include "doris/doris_config.h"

#include <set>

#include "net/tcp.h"

namespace streamprobe {
namespace {

constexpr long long kMinBody = 1024;
constexpr long long kMaxBody = 256ll << 20;

std::vector<DorisAddress> ReadAddresses(Decoder& d, const std::string& key, bool required) {
  std::vector<DorisAddress> out;
  std::set<std::string> seen;
  const std::vector<std::string> list = d.AddressList(key, kUseBasicAuth);
  if (required && list.empty()) d.Error(key, "is required (at least one host:port)");
  for (const std::string& text : list) {
    DorisAddress a;
    if (!SplitHostPort(text, &a.host, &a.port) || a.host.empty()) {
      d.Error(key, "\"" + text + "\" is not host:port");
    } else if (!seen.insert(a.Name()).second) {
      d.Error(key, "\"" + text + "\" is listed twice");
    } else {
      out.push_back(a);
    }
  }
  return out;
}

std::vector<DorisSqlQuery> ReadQueries(Decoder& sql) {
  std::vector<DorisSqlQuery> out;
  std::set<std::string> names;
  for (Decoder& q : sql.Sequence("queries")) {
    DorisSqlQuery query;
    query.name = q.RequiredString("name");
    query.sql = q.RequiredString("sql");
    query.timeout = q.Duration("timeout", query.timeout, Millis(100), Millis(600000));
    if (!query.name.empty() && !names.insert(query.name).second) {
      q.Error("name", "\"" + query.name + "\" is used twice");
    }
    q.Finish();
    out.push_back(std::move(query));
  }
  return out;
}

std::optional<DorisSqlConfig> ReadSql(Decoder& section) {
  Decoder sql = section.Child("sql");
  if (!section.Has("sql")) {
    sql.Finish();
    return std::nullopt;
  }
  DorisSqlConfig c;
  const std::string address = sql.RequiredAddress("address", "use sql.user and sql.password");
  if (!address.empty() && !SplitHostPort(address, &c.address.host, &c.address.port)) {
    sql.Error("address", "\"" + address + "\" is not host:port");
  }
  c.user = sql.RequiredString("user");
  c.password = sql.SecretValue("password");
  c.database = sql.String("database");
  c.queries = ReadQueries(sql);
  sql.Finish();
  return c;
}

}  // namespace

std::optional<int> ParseUtcOffset(const std::string& text) {
  if (text == "UTC" || text == "Z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return std::nullopt;
  }
  for (int i : {1, 2, 4, 5}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[1] - '0') * 10 + (text[2] - '0');
  const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (hours > 14 || minutes > 59) return std::nullopt;
  const int seconds = hours * 3600 + minutes * 60;
  return text[0] == '-' ? -seconds : seconds;
}

DorisConfig DecodeDorisConfig(Decoder& section) {
  DorisConfig c;
  c.fe = ReadAddresses(section, "fe", true);
  c.be = ReadAddresses(section, "be", false);
  for (const DorisAddress& be : c.be) {
    for (const DorisAddress& fe : c.fe) {
      if (fe.Name() == be.Name()) section.Error("be", "\"" + be.Name() + "\" is also an FE");
    }
  }
  c.basic_auth = DecodeBasicAuth(section);
  c.heartbeat_stale_after =
      section.Duration("heartbeat_stale_after", c.heartbeat_stale_after, Millis(1000),
                       Millis(24ll * 3600 * 1000));
  const std::string zone = section.String("time_zone", "UTC");
  if (auto offset = ParseUtcOffset(zone)) {
    c.time_zone_offset_seconds = *offset;
  } else {
    section.Error("time_zone", "\"" + zone + "\" is not UTC or an offset like +08:00");
  }
  c.max_body_bytes = static_cast<std::size_t>(
      section.Int("max_body_bytes", static_cast<long long>(c.max_body_bytes), kMinBody, kMaxBody));
  c.max_nodes = static_cast<std::size_t>(
      section.Int("max_nodes", static_cast<long long>(c.max_nodes), 1, 10000));
  c.sql = ReadSql(section);
  return c;
}

}  // namespace streamprobe
