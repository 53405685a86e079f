// The HTTP endpoints: telemetry path, /healthz and /-/healthy, /readyz and
// /-/ready, POST /-/reload (with --web.enable-lifecycle), the status page (/)
// and its JSON (/api/v1/targets); served by libmicrohttpd with the TLS, basic
// authentication and headers of the web configuration (web_config.h).
//
// Why libmicrohttpd and not civetweb: Debian's civetweb 1.15 loads OpenSSL
// at run time through a table of 1.1 symbols; OpenSSL 3 no longer exports
// SSL_get_peer_certificate, and the first TLS handshake calls a null pointer
// (the process dies; civetweb issue #1334). libmicrohttpd links GnuTLS, serves
// keep-alive connections from a small epoll thread pool, answers HEAD itself,
// and can restart on the same listening socket.
//
// Handlers run on the daemon's threads. None of them waits on a backend: they
// read the latest snapshot or flags set by the engine.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/snapshot.h"
#include "core/status_table.h"
#include "core/status.h"
#include "http/gzip.h"
#include "http/web_config.h"

namespace streamprobe {

struct WebHooks {
  std::function<std::shared_ptr<const Snapshot>()> snapshot;
  std::function<bool()> ready;
  // Reloads the configuration (and the web configuration); returns "" on
  // success or the error text.
  std::function<std::string()> reload;
};

struct WebOptions {
  std::string listen_address = ":9101";
  std::string telemetry_path = "/metrics";
  std::string web_config_file;    // "" = plain HTTP, no authentication
  bool enable_lifecycle = false;  // POST /-/reload allowed
};

// The snapshot's text rendered once, and gzipped once on first demand, shared
// by every scrape of that snapshot. Thread-safe.
class RenderedSnapshot {
 public:
  explicit RenderedSnapshot(std::shared_ptr<const Snapshot> snapshot);
  const Snapshot& snapshot() const { return *snapshot_; }
  const std::string& text() const { return text_; }
  const GzipPrefix& gzip() const;

 private:
  std::shared_ptr<const Snapshot> snapshot_;
  std::string text_;
  mutable std::once_flag gzip_once_;
  mutable GzipPrefix gzip_;
};

class WebServer {
 public:
  WebServer(WebOptions options, WebHooks hooks);
  ~WebServer();
  // Loads the web configuration, binds the listen address and starts serving.
  // Fails with every configuration error, or the system's reason.
  Status Start();
  // Re-reads the web configuration file and serves with it from now on; the
  // previous daemon finishes its requests on the same socket and retires in
  // the background. On any error the running configuration stays. Returns ""
  // or the errors. Thread-safe, also from a request handler.
  std::string ReloadWebConfig();

  // The snapshot of `current` rendered (cached while it stays current).
  std::shared_ptr<const RenderedSnapshot> Rendered(std::shared_ptr<const Snapshot> current);
  const WebOptions& options() const { return options_; }
  const WebHooks& hooks() const { return hooks_; }

  struct Daemon;  // one libmicrohttpd daemon and the settings it serves with

 private:
  Result<std::unique_ptr<Daemon>> StartDaemon(const WebConfig& config);
  void RetireLoop();

  WebOptions options_;
  WebHooks hooks_;
  int listen_fd_ = -1;

  std::mutex daemon_mutex_;  // serialises starts and reloads; guards daemon_
  std::unique_ptr<Daemon> daemon_;

  std::mutex retire_mutex_;  // guards retiring_, stopping_
  std::condition_variable retire_cv_;
  std::deque<std::unique_ptr<Daemon>> retiring_;
  bool stopping_ = false;
  std::thread retirer_;  // stops replaced daemons once their requests are done

  std::mutex rendered_mutex_;  // guards rendered_
  std::shared_ptr<const RenderedSnapshot> rendered_;
};

// The dynamic end of the /metrics body, rendered per scrape: the snapshot's
// age at `now_unix`, process_* and executor metrics.
std::string RenderMetricsTail(const Snapshot& snapshot, double now_unix);
// The whole /metrics body: the snapshot's text plus RenderMetricsTail.
std::string RenderMetricsPage(const Snapshot& snapshot, double now_unix);
// The /api/v1/targets body.
std::string RenderTargetsJson(const Snapshot& snapshot);
// The / status page: the status table at `now_unix` (status_page.cpp).
std::string RenderStatusPage(const StatusTable& table, const std::string& telemetry_path,
                             double now_unix);

}  // namespace streamprobe
