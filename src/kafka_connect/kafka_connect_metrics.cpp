#include "kafka_connect/kafka_connect_metrics.h"

#include <algorithm>

namespace streamprobe {
namespace {

constexpr std::string_view kPrefix = "streamprobe_kafka_connect_";

std::string Name(std::string_view suffix) { return std::string(kPrefix) + std::string(suffix); }

void RenderTask(const ConnectConnector& c, const ConnectTask& t, MetricSet& out) {
  const std::string task = std::to_string(t.id);
  out.StateSet(Name("task_state"), "Task state as reported by Connect (UNASSIGNED also when "
               "its worker is unreachable)", {{"connector", c.name}, {"task", task}}, "state",
               t.state, kConnectStates);
  out.Info(Name("task_info"), "Worker (advertised host:port) a task is assigned to",
           {{"connector", c.name}, {"task", task}, {"worker_id", t.worker_id}});
  if (t.state == "FAILED" || !t.trace.empty()) {
    out.Info(Name("task_error_info"),
             "Exception class of a task's failure trace (bounded set; full trace in logs and "
             "/api/v1/targets)",
             {{"connector", c.name}, {"task", task},
              {"error_class", std::string(t.trace.empty() ? "other" : ConnectErrorClass(t.trace))}});
  }
}

void RenderConnector(const ConnectConnector& c, MetricSet& out) {
  out.StateSet(Name("connector_state"), "Connector state as reported by Connect",
               {{"connector", c.name}}, "state", c.state, kConnectStates);
  out.Info(Name("connector_info"), "Connector type, class and the worker running it",
           {{"connector", c.name}, {"type", std::string(c.type)}, {"class", c.connector_class},
            {"worker_id", c.worker_id}});
  if (c.state == "FAILED" || !c.trace.empty()) {
    out.Info(Name("connector_error_info"),
             "Exception class of a connector's failure trace (bounded set)",
             {{"connector", c.name},
              {"error_class", std::string(c.trace.empty() ? "other" : ConnectErrorClass(c.trace))}});
  }
  double failed = 0;
  for (const ConnectTask& t : c.tasks) {
    RenderTask(c, t, out);
    if (t.state == "FAILED") ++failed;
  }
  out.Gauge(Name("connector_tasks"), "Tasks of a connector", {{"connector", c.name}},
            static_cast<double>(c.tasks.size()));
  out.Gauge(Name("connector_failed_tasks"), "Tasks of a connector in state FAILED",
            {{"connector", c.name}}, failed);
}

void RenderListing(const ConnectConnectors& listing, MetricSet& out) {
  double failed = 0;
  for (const ConnectConnector& c : listing.connectors) {
    RenderConnector(c, out);
    failed += static_cast<double>(std::count_if(c.tasks.begin(), c.tasks.end(),
                                                [](const ConnectTask& t) { return t.state == "FAILED"; }));
  }
  out.Gauge(Name("connectors"), "Connectors listed by the cluster", {},
            static_cast<double>(listing.connectors.size() + listing.omitted));
  out.Gauge(Name("connectors_omitted"), "Connectors not exported because of max_connectors", {},
            static_cast<double>(listing.omitted));
  out.Gauge(Name("failed_tasks"), "Tasks in state FAILED over all exported connectors", {}, failed);
}

void RenderPlugins(const ConnectorsObservation& obs, MetricSet& out) {
  for (const std::string& cls : obs.expected_plugins) {
    out.Gauge(Name("plugin_expected"), "Connector plugin class declared in expected_plugins",
              {{"class", cls}}, 1);
  }
  if (!obs.plugins) return;
  for (const ConnectPlugin& p : *obs.plugins) {
    out.Info(Name("plugin_info"), "Connector plugin installed on the worker that was asked",
             {{"class", p.class_name}, {"type", std::string(p.type)}, {"version", p.version}});
  }
  const std::vector<std::string> missing = MissingPlugins(*obs.plugins, obs.expected_plugins);
  for (const std::string& cls : obs.expected_plugins) {
    const bool is_missing = std::binary_search(missing.begin(), missing.end(), cls);
    out.Gauge(Name("plugin_missing"), "1 if an expected connector plugin is not installed",
              {{"class", cls}}, is_missing ? 1 : 0);
  }
}

}  // namespace

void RenderWorker(const WorkerObservation& w, MetricSet& out) {
  const Labels worker = {{"worker", w.url}};
  out.Gauge(Name("worker_up"), "1 if the worker answered HTTP", worker, w.reachable ? 1 : 0);
  if (w.info) {
    out.Info(Name("worker_info"), "Worker version, commit and the Kafka cluster it uses",
             {{"worker", w.url}, {"version", w.info->version}, {"commit", w.info->commit},
              {"kafka_cluster_id", w.info->kafka_cluster_id}});
  }
  if (w.reachable) {
    out.StateSet(Name("worker_health"), "Worker health from GET /health (unknown before 3.9)",
                 worker, "state", w.health, kHealthStates);
  }
  if (w.kafka_cluster_match) {
    out.Gauge(Name("worker_kafka_cluster_match"),
              "1 if the worker's kafka_cluster_id equals the one the kafka probe sees", worker,
              *w.kafka_cluster_match ? 1 : 0);
  }
}

void RenderConnectors(const ConnectorsObservation& obs, MetricSet& out) {
  if (!obs.listed_by.empty()) {
    out.Info(Name("connectors_listed_by_info"), "Worker whose connector listing is exported",
             {{"worker", obs.listed_by}});
  }
  for (const std::string& name : obs.expected_connectors) {
    out.Gauge(Name("connector_expected"), "Connector declared in expected_connectors",
              {{"connector", name}}, 1);
  }
  if (obs.listing) {
    RenderListing(*obs.listing, out);
    out.Gauge(Name("plugins_listed"),
              "1 if GET /connector-plugins answered (missing plugins are known), 0 if it failed",
              {}, obs.plugins ? 1 : 0);
    const std::vector<std::string> missing = MissingConnectors(*obs.listing, obs.expected_connectors);
    for (const std::string& name : obs.expected_connectors) {
      const bool is_missing = std::binary_search(missing.begin(), missing.end(), name);
      out.Gauge(Name("connector_missing"), "1 if an expected connector does not exist",
                {{"connector", name}}, is_missing ? 1 : 0);
    }
  }
  RenderPlugins(obs, out);
}

std::vector<std::string> MarkDownWorkersUnassigned(ConnectConnectors& listing,
                                                   const std::set<std::string>& down_workers) {
  std::vector<std::string> changed;
  if (down_workers.empty()) return changed;
  for (ConnectConnector& c : listing.connectors) {
    if (down_workers.count(c.worker_id) && c.state != "UNASSIGNED") {
      c.state = "UNASSIGNED";
      changed.push_back(c.name);
    }
    for (ConnectTask& t : c.tasks) {
      if (down_workers.count(t.worker_id) && t.state != "UNASSIGNED") {
        t.state = "UNASSIGNED";
        changed.push_back(c.name + "/" + std::to_string(t.id));
      }
    }
  }
  return changed;
}

std::vector<std::string> MissingConnectors(const ConnectConnectors& listing,
                                           const std::vector<std::string>& expected) {
  std::set<std::string> missing(expected.begin(), expected.end());
  for (const std::string& name : listing.all_names) missing.erase(name);
  return {missing.begin(), missing.end()};
}

std::vector<std::string> MissingPlugins(const std::vector<ConnectPlugin>& plugins,
                                        const std::vector<std::string>& expected) {
  std::set<std::string> missing(expected.begin(), expected.end());
  for (const ConnectPlugin& p : plugins) missing.erase(p.class_name);
  return {missing.begin(), missing.end()};
}

}  // namespace streamprobe
