// The HTTP endpoints: telemetry path, /healthz, /readyz, POST /-/reload, the
// status page (/) and its JSON (/api/v1/targets).
//
// Handlers run on civetweb's threads. None of them waits on a backend: they
// read the latest snapshot or flags set by the engine.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/snapshot.h"
#include "core/status.h"

class CivetServer;

namespace streamprobe {

struct WebHooks {
  std::function<std::shared_ptr<const Snapshot>()> snapshot;
  std::function<bool()> ready;
  // Reloads the configuration; returns "" on success or the error text.
  std::function<std::string()> reload;
};

class WebServer {
 public:
  WebServer(std::string listen_address, std::string telemetry_path, WebHooks hooks);
  ~WebServer();
  // Starts listening; fails if the address cannot be bound.
  Status Start();

 private:
  struct Handlers;
  std::string listen_address_;
  std::string telemetry_path_;
  WebHooks hooks_;
  std::unique_ptr<CivetServer> server_;
  std::unique_ptr<Handlers> handlers_;
};

// The /metrics body: the snapshot's text plus its age at `now_unix`.
std::string RenderMetricsPage(const Snapshot& snapshot, double now_unix);
// The /api/v1/targets body.
std::string RenderTargetsJson(const Snapshot& snapshot);
// The / status page.
std::string RenderStatusPage(const Snapshot& snapshot, const std::string& telemetry_path);

}  // namespace streamprobe
