// Internal to src/http: one libmicrohttpd daemon and the settings it serves
// with. Its TLS settings are fixed for its life (a change starts a new
// daemon); authentication and headers can be swapped while it serves.
#pragma once

#include <microhttpd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/basic_auth.h"
#include "http/server.h"
#include "http/web_config.h"

namespace streamprobe {

// What a request is checked against and answered with, besides TLS.
struct WebSettings {
  explicit WebSettings(const WebConfig& config) : auth(config.basic_auth_users), headers(config.headers) {}
  BasicAuthVerifier auth;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct WebServer::Daemon {
  Daemon(WebServer* server, const WebConfig& config)
      : server(server), tls(config.tls), settings_(std::make_shared<const WebSettings>(config)) {}
  ~Daemon() {
    if (mhd != nullptr) MHD_stop_daemon(mhd);
  }

  std::shared_ptr<const WebSettings> settings() const {
    std::lock_guard lock(settings_mutex_);
    return settings_;
  }
  void set_settings(std::shared_ptr<const WebSettings> settings) {
    std::lock_guard lock(settings_mutex_);
    settings_ = std::move(settings);
  }

  WebServer* const server;
  const std::optional<TlsSettings> tls;  // its strings back the daemon's TLS options
  MHD_Daemon* mhd = nullptr;
  // Set when a newer daemon took over the socket: responses then close their
  // connection, so keep-alive clients move to the new daemon on their next
  // request instead of finding the old one gone.
  std::atomic<bool> retiring{false};

 private:
  mutable std::mutex settings_mutex_;  // guards settings_
  std::shared_ptr<const WebSettings> settings_;
};

// libmicrohttpd's access handler; `cls` is the WebServer::Daemon.
MHD_Result HandleRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                         const char* version, const char* upload_data, size_t* upload_data_size,
                         void** request_state);

}  // namespace streamprobe
