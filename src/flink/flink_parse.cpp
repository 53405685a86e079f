#include "flink/flink_parse.h"

#include "net/json.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

namespace streamprobe {
namespace {

using nlohmann::json;

Status Bad(std::string detail) { return Status::Fail(Reason::kBadPayload, std::move(detail)); }

std::optional<json> ParseObjectOrArray(std::string_view body) {
  json doc = ParseJsonBounded(body);
  if (doc.is_discarded() || !(doc.is_object() || doc.is_array())) return std::nullopt;
  return doc;
}

std::int64_t IntField(const json& o, const char* key, std::int64_t fallback = 0) {
  auto it = o.find(key);
  return it != o.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

std::string StringField(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

bool IsHtml(const HttpResponse& r) {
  if (r.content_type.find("html") != std::string::npos) return true;
  auto first = std::find_if(r.body.begin(), r.body.end(),
                            [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  return first != r.body.end() && *first == '<';
}

Status AppendJobs(const json& list, std::vector<FlinkJob>& out) {
  if (!list.is_array()) return Bad("job list is not an array");
  for (const json& j : list) {
    if (!j.is_object()) return Bad("a job is not an object");
    FlinkJob job;
    job.jid = StringField(j, "jid");
    job.name = StringField(j, "name");
    job.state = StringField(j, "state");
    if (job.jid.empty() || job.state.empty()) return Bad("a job lacks jid or state");
    job.start_time_ms = IntField(j, "start-time");
    job.duration_ms = IntField(j, "duration");
    out.push_back(std::move(job));
  }
  return Status::Ok();
}

}  // namespace

bool IsGloballyTerminal(std::string_view state) {
  return state == "FAILED" || state == "CANCELED" || state == "FINISHED";
}

Status CheckFlinkHttp(const HttpResponse& response) {
  if (response.status == 401 || response.status == 403) {
    return Status::Fail(Reason::kAuth, "HTTP " + std::to_string(response.status));
  }
  if (IsHtml(response)) {
    return Bad("HTML instead of JSON (HTTP " + std::to_string(response.status) + ")");
  }
  return CheckHttpStatus(response);
}

Result<FlinkOverview> ParseOverview(std::string_view body) {
  auto doc = ParseObjectOrArray(body);
  if (!doc || !doc->is_object()) return Result<FlinkOverview>::Fail(Bad("not a JSON object"));
  if (!doc->contains("taskmanagers") || !doc->contains("slots-total")) {
    return Result<FlinkOverview>::Fail(Bad("overview lacks taskmanagers or slots-total"));
  }
  FlinkOverview o;
  o.taskmanagers = IntField(*doc, "taskmanagers");
  o.slots_total = IntField(*doc, "slots-total");
  o.slots_available = IntField(*doc, "slots-available");
  o.version = StringField(*doc, "flink-version");
  o.commit = StringField(*doc, "flink-commit");
  return Result<FlinkOverview>::Of(std::move(o));
}

Result<std::vector<FlinkJob>> ParseJobsOverview(std::string_view body) {
  using R = Result<std::vector<FlinkJob>>;
  auto doc = ParseObjectOrArray(body);
  if (!doc || !doc->is_object()) return R::Fail(Bad("not a JSON object"));
  std::vector<FlinkJob> jobs;
  bool found = false;
  for (const char* key : {"jobs", "running", "finished"}) {
    auto it = doc->find(key);
    if (it == doc->end()) continue;
    found = true;
    if (Status s = AppendJobs(*it, jobs); !s.ok()) return R::Fail(s);
  }
  if (!found) return R::Fail(Bad("no jobs, running or finished list"));
  return R::Of(std::move(jobs));
}

Result<FlinkCheckpoints> ParseCheckpoints(long http_status, std::string_view body) {
  using R = Result<FlinkCheckpoints>;
  auto doc = ParseObjectOrArray(body);
  if (!doc || !doc->is_object()) return R::Fail(Bad("not a JSON object"));
  if (http_status == 404) {
    auto errors = doc->find("errors");
    if (errors != doc->end() && errors->is_array()) {
      for (const json& e : *errors) {
        if (e.is_string() && e.get<std::string>().find("Checkpointing has not been enabled") !=
                                 std::string::npos) {
          FlinkCheckpoints off;
          off.enabled = false;
          return R::Of(off);
        }
      }
    }
    return R::Fail(Reason::kHttpStatus, "HTTP 404");
  }
  auto counts = doc->find("counts");
  if (counts == doc->end() || !counts->is_object()) return R::Fail(Bad("no counts object"));
  FlinkCheckpoints c;
  c.completed = IntField(*counts, "completed");
  c.failed = IntField(*counts, "failed");
  auto latest = doc->find("latest");
  if (latest != doc->end() && latest->is_object()) {
    auto completed = latest->find("completed");
    if (completed != latest->end() && completed->is_object()) {
      const std::int64_t ack = IntField(*completed, "latest_ack_timestamp", -1);
      if (ack > 0) c.latest_completed_ack_ms = ack;
    }
  }
  return R::Of(c);
}

Result<std::optional<std::int64_t>> ParseNumRestarts(std::string_view body) {
  using R = Result<std::optional<std::int64_t>>;
  auto doc = ParseObjectOrArray(body);
  if (!doc || !doc->is_array()) return R::Fail(Bad("not a JSON array"));
  for (const json& m : *doc) {
    if (!m.is_object() || StringField(m, "id") != "numRestarts") continue;
    auto value = m.find("value");
    if (value == m.end()) return R::Of(std::nullopt);
    if (value->is_number_integer()) return R::Of(value->get<std::int64_t>());
    if (!value->is_string()) return R::Fail(Bad("numRestarts value is not a string"));
    const std::string text = value->get<std::string>();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 0) {
      return R::Fail(Bad("numRestarts value is not a count"));
    }
    return R::Of(n);
  }
  return R::Of(std::nullopt);
}

}  // namespace streamprobe
