#include "http/server.h"

#include <CivetServer.h>

#include "core/log.h"
#include "http/executor_metrics.h"
#include "http/listen_check.h"

namespace streamprobe {
namespace {

void Reply(mg_connection* conn, int status, const char* content_type, const std::string& body) {
  const char* text = status == 200 ? "OK" : status == 503 ? "Service Unavailable"
                     : status == 405 ? "Method Not Allowed" : status == 400 ? "Bad Request"
                     : "Not Found";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            status, text, content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

// Civetweb wants "127.0.0.1:9101" or "9101"; Prometheus style allows ":9101".
std::string CivetPorts(const std::string& address) {
  if (!address.empty() && address.front() == ':') return address.substr(1);
  return address;
}

class FunctionHandler : public CivetHandler {
 public:
  using Fn = std::function<bool(CivetServer*, mg_connection*, const char* method)>;
  explicit FunctionHandler(Fn fn) : fn_(std::move(fn)) {}
  bool handleGet(CivetServer* s, mg_connection* c) override { return fn_(s, c, "GET"); }
  bool handlePost(CivetServer* s, mg_connection* c) override { return fn_(s, c, "POST"); }

 private:
  Fn fn_;
};

}  // namespace

struct WebServer::Handlers {
  std::vector<std::pair<std::string, std::unique_ptr<FunctionHandler>>> routes;
};

WebServer::WebServer(std::string listen_address, std::string telemetry_path, WebHooks hooks)
    : listen_address_(std::move(listen_address)),
      telemetry_path_(std::move(telemetry_path)),
      hooks_(std::move(hooks)),
      handlers_(std::make_unique<Handlers>()) {}

WebServer::~WebServer() {
  if (server_) server_->close();
}

Status WebServer::Start() {
  Status bindable = CheckCanListen(listen_address_);
  if (!bindable.ok()) return bindable;
  std::vector<std::string> options = {"listening_ports", CivetPorts(listen_address_),
                                      "num_threads", "8", "enable_keep_alive", "no"};
  try {
    server_ = std::make_unique<CivetServer>(options);
  } catch (const CivetException& e) {
    return Status::Fail(Reason::kOther,
                        "cannot listen on " + listen_address_ + ": " + e.what());
  }
  auto add = [&](const std::string& uri, FunctionHandler::Fn fn) {
    auto handler = std::make_unique<FunctionHandler>(std::move(fn));
    server_->addHandler(uri, handler.get());
    handlers_->routes.emplace_back(uri, std::move(handler));
  };
  add(telemetry_path_, [this](CivetServer*, mg_connection* c, const char*) {
    Reply(c, 200, "text/plain; version=0.0.4; charset=utf-8",
          RenderMetricsPage(*hooks_.snapshot(), UnixNow()) +
              RenderExecutorMetrics(Executor::Shared().stats()));
    return true;
  });
  add("/healthz", [](CivetServer*, mg_connection* c, const char*) {
    Reply(c, 200, "text/plain", "ok\n");
    return true;
  });
  add("/readyz", [this](CivetServer*, mg_connection* c, const char*) {
    const bool ready = hooks_.ready();
    Reply(c, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "first probe round not done\n");
    return true;
  });
  add("/-/reload", [this](CivetServer*, mg_connection* c, const char* method) {
    if (std::string(method) != "POST") {
      Reply(c, 405, "text/plain", "use POST\n");
      return true;
    }
    const std::string error = hooks_.reload();
    Reply(c, error.empty() ? 200 : 400, "text/plain", error.empty() ? "reloaded\n" : error);
    return true;
  });
  add("/api/v1/targets", [this](CivetServer*, mg_connection* c, const char*) {
    Reply(c, 200, "application/json", RenderTargetsJson(*hooks_.snapshot()));
    return true;
  });
  add("/$", [this](CivetServer*, mg_connection* c, const char*) {
    Reply(c, 200, "text/html; charset=utf-8",
          RenderStatusPage(*hooks_.snapshot(), telemetry_path_));
    return true;
  });
  LogInfo("listening", {{"address", listen_address_}, {"telemetry_path", telemetry_path_}});
  return Status::Ok();
}

}  // namespace streamprobe
