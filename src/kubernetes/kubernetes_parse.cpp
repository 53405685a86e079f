#include "kubernetes/kubernetes_parse.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "net/json.h"

namespace streamprobe::kubernetes {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTextBytes = 300;

Status Bad(std::string detail) { return Status::Fail(Reason::kBadPayload, std::move(detail)); }

const json& Field(const json& o, const char* key) {
  static const json kNull;
  if (!o.is_object()) return kNull;
  auto it = o.find(key);
  return it == o.end() ? kNull : *it;
}

std::string Text(const json& o, const char* key) {
  const json& v = Field(o, key);
  return v.is_string() ? v.get<std::string>().substr(0, kMaxTextBytes) : "";
}

std::int64_t Int(const json& o, const char* key, std::int64_t fallback) {
  const json& v = Field(o, key);
  return v.is_number_integer() ? v.get<std::int64_t>() : fallback;
}

// Replica counts as the API bounds them (int32, not negative), so sums stay small.
std::int64_t Clamped(std::int64_t n) { return std::clamp<std::int64_t>(n, 0, 1'000'000); }

std::map<std::string, std::string> StringMap(const json& o) {
  std::map<std::string, std::string> out;
  if (!o.is_object()) return out;
  for (const auto& [k, v] : o.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

// The items of a list body, or a failure when it is not a list.
Result<const json*> Items(const json& doc) {
  if (!doc.is_object()) return Result<const json*>::Fail(Bad("not a JSON object"));
  const json& items = Field(doc, "items");
  if (items.is_null()) return Result<const json*>::Of(&items);  // an empty list may omit it
  if (!items.is_array()) return Result<const json*>::Fail(Bad("items is not an array"));
  return Result<const json*>::Of(&items);
}

ContainerStatus ParseContainer(const json& c) {
  ContainerStatus out;
  out.name = Text(c, "name");
  out.image = Text(c, "image");
  out.ready = Field(c, "ready").is_boolean() && Field(c, "ready").get<bool>();
  out.restart_count = Int(c, "restartCount", 0);
  const json& waiting = Field(Field(c, "state"), "waiting");
  if (waiting.is_object()) {
    out.waiting_reason = Text(waiting, "reason");
    if (out.waiting_reason.empty()) out.waiting_reason = "ContainerCreating";
    out.waiting_message = Text(waiting, "message");
  }
  out.last_terminated_reason = Text(Field(Field(c, "lastState"), "terminated"), "reason");
  return out;
}

Pod ParsePod(const json& item) {
  Pod pod;
  const json& meta = Field(item, "metadata");
  pod.name = Text(meta, "name");
  pod.labels = StringMap(Field(meta, "labels"));
  const json& status = Field(item, "status");
  pod.phase = Text(status, "phase");
  const json& conditions = Field(status, "conditions");
  if (conditions.is_array()) {
    for (const json& c : conditions) {
      if (Text(c, "type") == "PodScheduled" && Text(c, "status") == "False" &&
          Text(c, "reason") == "Unschedulable") {
        pod.unschedulable = true;
        pod.unschedulable_message = Text(c, "message");
      }
    }
  }
  for (const char* key : {"initContainerStatuses", "containerStatuses"}) {
    const json& list = Field(status, key);
    if (!list.is_array()) continue;
    for (const json& c : list) {
      if (c.is_object()) pod.containers.push_back(ParseContainer(c));
    }
  }
  return pod;
}

template <typename T, typename ParseOne>
Result<std::vector<T>> ParseList(std::string_view body, std::size_t max_items,
                                 std::size_t* dropped, ParseOne parse_one) {
  const json doc = ParseJsonBounded(body);
  if (doc.is_discarded()) return Result<std::vector<T>>::Fail(Bad("not JSON"));
  auto items = Items(doc);
  if (!items.ok()) return Result<std::vector<T>>::Fail(items.status);
  std::vector<T> out;
  *dropped = 0;
  if (items.value->is_null()) return Result<std::vector<T>>::Of(std::move(out));
  for (const json& item : *items.value) {
    if (!item.is_object()) return Result<std::vector<T>>::Fail(Bad("an item is not an object"));
    if (out.size() >= max_items) {
      ++*dropped;
      continue;
    }
    T parsed = parse_one(item);
    if (parsed.name.empty()) return Result<std::vector<T>>::Fail(Bad("an item has no metadata.name"));
    out.push_back(std::move(parsed));
  }
  return Result<std::vector<T>>::Of(std::move(out));
}

}  // namespace

Result<std::vector<Pod>> ParsePodList(std::string_view body, std::size_t max_items,
                                      std::size_t* dropped) {
  return ParseList<Pod>(body, max_items, dropped, ParsePod);
}

Result<std::vector<Workload>> ParseWorkloadList(std::string_view body, std::string_view kind,
                                                std::size_t max_items, std::size_t* dropped) {
  return ParseList<Workload>(body, max_items, dropped, [&](const json& item) {
    Workload w;
    w.kind = std::string(kind);
    w.name = Text(Field(item, "metadata"), "name");
    const json& spec = Field(item, "spec");
    w.replicas = Clamped(Int(spec, "replicas", 1));
    w.ready_replicas = Clamped(Int(Field(item, "status"), "readyReplicas", 0));
    const json& selector = Field(spec, "selector");
    w.match_labels = StringMap(Field(selector, "matchLabels"));
    w.has_match_expressions = Field(selector, "matchExpressions").is_array() &&
                              !Field(selector, "matchExpressions").empty();
    return w;
  });
}

Result<std::vector<FlinkResource>> ParseFlinkList(std::string_view body, std::string_view kind,
                                                  std::size_t max_items, std::size_t* dropped) {
  return ParseList<FlinkResource>(body, max_items, dropped, [&](const json& item) {
    FlinkResource r;
    r.kind = std::string(kind);
    r.name = Text(Field(item, "metadata"), "name");
    const json& status = Field(item, "status");
    r.lifecycle_state = Text(status, "lifecycleState");
    r.job_state = Text(Field(status, "jobStatus"), "state");
    r.error = Text(status, "error");
    return r;
  });
}

std::string ParseStatusMessage(std::string_view body) {
  const json doc = ParseJsonBounded(body);
  if (doc.is_discarded() || Text(doc, "kind") != "Status") return "";
  return Text(doc, "message");
}

}  // namespace streamprobe::kubernetes
