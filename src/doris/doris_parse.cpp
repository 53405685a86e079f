#include "doris/doris_parse.h"

#include "net/json.h"

#include <charconv>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace streamprobe {
namespace {

using nlohmann::json;

Status Bad(std::string detail) { return Status::Fail(Reason::kBadPayload, std::move(detail)); }

bool LooksLikeHtml(const HttpResponse& response) {
  if (response.content_type.find("html") != std::string::npos) return true;
  for (char c : response.body) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '<';
  }
  return false;
}

// The FE envelope {"msg","code","data","count"} (§4.2).
struct Envelope {
  std::int64_t code = 0;
  json data;
};

Result<Envelope> ParseEnvelope(std::string_view body) {
  json doc = ParseJsonBounded(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return Result<Envelope>::Fail(Bad("not a JSON object"));
  }
  auto code = doc.find("code");
  if (code == doc.end() || !code->is_number_integer()) {
    return Result<Envelope>::Fail(Bad("no integer \"code\""));
  }
  Envelope e;
  e.code = code->get<std::int64_t>();
  if (auto data = doc.find("data"); data != doc.end()) e.data = std::move(*data);
  return Result<Envelope>::Of(std::move(e));
}

// Maps a non-zero envelope code to a status (the detail is for logs only).
Status CodeStatus(std::int64_t code) {
  if (code == 0) return Status::Ok();
  const std::string detail = "Doris code " + std::to_string(code);
  if (code == 401) return Status::Fail(Reason::kAuth, detail);
  if (code == 1 || code == 503) return Status::Fail(Reason::kNotServing, detail);
  return Status::Fail(Reason::kHttpStatus, detail);
}

std::optional<std::int64_t> ToInt(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::string CellText(const json& cell) {
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_null()) return "";
  return cell.dump();
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Cell accessor for one row with columns resolved once.
struct RowView {
  const std::vector<std::string>& row;
  std::string_view Get(int index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= row.size()) return {};
    return row[static_cast<std::size_t>(index)];
  }
  bool Flag(int index) const { return Get(index) == "true"; }
};

}  // namespace

Status CheckDorisHttp(const HttpResponse& response) {
  if (response.status == 401 || response.status == 403) {
    return Status::Fail(Reason::kAuth, "HTTP " + std::to_string(response.status));
  }
  if (LooksLikeHtml(response)) {
    return Bad("HTML instead of JSON (HTTP " + std::to_string(response.status) + ")");
  }
  return CheckHttpStatus(response);
}

Status ParseBootstrap(std::string_view body) {
  auto env = ParseEnvelope(body);
  if (!env.ok()) return env.status;
  if (Status s = CodeStatus(env.value.code); !s.ok()) return s;
  if (!env.value.data.is_null() && !env.value.data.is_object()) {
    return Bad("bootstrap data is neither null nor an object");
  }
  return Status::Ok();
}

Result<DorisFeHealth> ParseFeHealth(std::string_view body) {
  auto env = ParseEnvelope(body);
  if (!env.ok()) return Result<DorisFeHealth>::Fail(env.status);
  if (Status s = CodeStatus(env.value.code); !s.ok()) return Result<DorisFeHealth>::Fail(s);
  const json& data = env.value.data;
  if (!data.is_object()) return Result<DorisFeHealth>::Fail(Bad("health data is not an object"));
  auto online = data.find("online_backend_num");
  auto total = data.find("total_backend_num");
  if (online == data.end() || total == data.end() || !online->is_number_integer() ||
      !total->is_number_integer()) {
    return Result<DorisFeHealth>::Fail(Bad("health data lacks backend counts"));
  }
  return Result<DorisFeHealth>::Of({online->get<std::int64_t>(), total->get<std::int64_t>()});
}

Status ParseBeHealth(std::string_view body) {
  json doc = ParseJsonBounded(body);
  if (doc.is_discarded() || !doc.is_object()) return Bad("not a JSON object");
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_string()) return Bad("no \"status\" string");
  if (status->get<std::string>() != "OK") {
    return Status::Fail(Reason::kNotServing, "BE status is not OK");
  }
  return Status::Ok();
}

int DorisTable::Column(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return static_cast<int>(i);
    }
  }
  return -1;
}

Result<DorisTable> ParseNodeTable(std::string_view body) {
  auto env = ParseEnvelope(body);
  if (!env.ok()) return Result<DorisTable>::Fail(env.status);
  if (Status s = CodeStatus(env.value.code); !s.ok()) return Result<DorisTable>::Fail(s);
  const json& data = env.value.data;
  if (!data.is_object()) return Result<DorisTable>::Fail(Bad("node data is not an object"));
  auto columns = data.find("columnNames");
  if (columns == data.end()) columns = data.find("column_names");
  auto rows = data.find("rows");
  if (columns == data.end() || !columns->is_array() || rows == data.end() || !rows->is_array()) {
    return Result<DorisTable>::Fail(Bad("node data lacks columnNames/column_names or rows"));
  }
  DorisTable table;
  for (const json& c : *columns) {
    if (!c.is_string()) return Result<DorisTable>::Fail(Bad("a column name is not a string"));
    table.columns.push_back(c.get<std::string>());
  }
  for (const json& r : *rows) {
    if (!r.is_array()) return Result<DorisTable>::Fail(Bad("a row is not an array"));
    std::vector<std::string> row;
    for (const json& cell : r) row.push_back(CellText(cell));
    table.rows.push_back(std::move(row));
  }
  return Result<DorisTable>::Of(std::move(table));
}

Result<std::vector<DorisFrontendRow>> ParseFrontends(const DorisTable& t, int utc_offset) {
  using R = Result<std::vector<DorisFrontendRow>>;
  const int host = t.Column({"Host", "IP"}), port = t.Column({"HttpPort"});
  const int role = t.Column({"Role"}), master = t.Column({"IsMaster"});
  const int alive = t.Column({"Alive"});
  if (host < 0 || port < 0 || role < 0 || master < 0 || alive < 0) {
    return R::Fail(Bad("frontends lack one of Host/IP, HttpPort, Role, IsMaster, Alive"));
  }
  const int host_name = t.Column({"HostName"}), join = t.Column({"Join"});
  const int journal = t.Column({"ReplayedJournalId"}), beat = t.Column({"LastHeartbeat"});
  const int err = t.Column({"ErrMsg"}), version = t.Column({"Version"});
  std::vector<DorisFrontendRow> out;
  for (const auto& cells : t.rows) {
    RowView r{cells};
    DorisFrontendRow fe;
    fe.host = std::string(r.Get(host));
    fe.host_name = std::string(r.Get(host_name));
    fe.http_port = static_cast<int>(ToInt(r.Get(port)).value_or(0));
    fe.role = std::string(r.Get(role));
    fe.is_master = r.Flag(master);
    fe.joined = join < 0 || r.Flag(join);
    fe.alive = r.Flag(alive);
    fe.replayed_journal_id = ToInt(r.Get(journal));
    fe.last_heartbeat_unix = ParseDorisTime(r.Get(beat), utc_offset);
    fe.has_error_message = !r.Get(err).empty();
    fe.version = std::string(r.Get(version));
    out.push_back(std::move(fe));
  }
  return R::Of(std::move(out));
}

Result<std::vector<DorisBackendRow>> ParseBackends(const DorisTable& t, int utc_offset) {
  using R = Result<std::vector<DorisBackendRow>>;
  const int host = t.Column({"Host", "IP"}), port = t.Column({"HttpPort"});
  const int alive = t.Column({"Alive"});
  if (host < 0 || port < 0 || alive < 0) {
    return R::Fail(Bad("backends lack one of Host/IP, HttpPort, Alive"));
  }
  const int host_name = t.Column({"HostName"}), decom = t.Column({"SystemDecommissioned"});
  const int beat = t.Column({"LastHeartbeat"}), tablets = t.Column({"TabletNum"});
  const int used = t.Column({"UsedPct"}), max_used = t.Column({"MaxDiskUsedPct"});
  const int err = t.Column({"ErrMsg"}), version = t.Column({"Version"});
  std::vector<DorisBackendRow> out;
  for (const auto& cells : t.rows) {
    RowView r{cells};
    DorisBackendRow be;
    be.host = std::string(r.Get(host));
    be.host_name = std::string(r.Get(host_name));
    be.http_port = static_cast<int>(ToInt(r.Get(port)).value_or(0));
    be.alive = r.Flag(alive);
    be.decommissioned = r.Flag(decom);
    be.last_heartbeat_unix = ParseDorisTime(r.Get(beat), utc_offset);
    be.tablets = ToInt(r.Get(tablets));
    be.disk_used_ratio = ParsePercentRatio(r.Get(used));
    be.max_disk_used_ratio = ParsePercentRatio(r.Get(max_used));
    be.has_error_message = !r.Get(err).empty();
    be.version = std::string(r.Get(version));
    out.push_back(std::move(be));
  }
  return R::Of(std::move(out));
}

std::optional<std::int64_t> ParseDorisTime(std::string_view text, int utc_offset_seconds) {
  // yyyy-MM-dd HH:mm:ss
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto field = [&](std::size_t pos, std::size_t len) { return ToInt(text.substr(pos, len)); };
  auto y = field(0, 4), mo = field(5, 2), d = field(8, 2);
  auto h = field(11, 2), mi = field(14, 2), s = field(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 ||
      *h > 23 || *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  const std::int64_t days =
      DaysFromCivil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  const std::int64_t unix = days * 86400 + *h * 3600 + *mi * 60 + *s - utc_offset_seconds;
  if (unix <= 0) return std::nullopt;  // a zero time printed as the epoch
  return unix;
}

std::optional<double> ParsePercentRatio(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '%')) text.remove_suffix(1);
  if (text.empty() || text.size() > 32) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || v < 0 || v != v) return std::nullopt;
  return v / 100.0;
}

}  // namespace streamprobe
