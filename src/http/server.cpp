#include "http/server.h"

#include <unistd.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>

#include "core/log.h"
#include "http/daemon.h"
#include "http/listen_socket.h"

namespace streamprobe {
namespace {

// 2 cores are the target machine: a few epoll threads serve hundreds of
// keep-alive scrapers, since every response is prepared in memory.
constexpr unsigned kThreads = 4;
// Connections at once (each holds at most kConnectionMemory), so memory stays
// bounded whatever connects.
constexpr unsigned kMaxConnections = 512;
constexpr size_t kConnectionMemory = 64 * 1024;
// Idle keep-alive connections and clients that send nothing are closed.
constexpr unsigned kIdleTimeoutSeconds = 30;
// A replaced daemon finishes its requests for at most this long.
constexpr auto kRetireGrace = std::chrono::seconds(2);

void LogFromDaemon(void*, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  std::string line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  LogDebug("http server", {{"detail", line}});
}

bool SameTls(const std::optional<TlsSettings>& a, const std::optional<TlsSettings>& b) {
  if (!a || !b) return !a && !b;
  return a->cert_pem == b->cert_pem && a->key_pem == b->key_pem && a->client_ca_pem == b->client_ca_pem &&
         a->client_auth == b->client_auth && a->priorities == b->priorities;
}

std::string ErrorsText(const ErrorList& errors) {
  return std::to_string(errors.size()) + " error(s):\n" + FormatErrors(errors);
}

}  // namespace

RenderedSnapshot::RenderedSnapshot(std::shared_ptr<const Snapshot> snapshot)
    : snapshot_(std::move(snapshot)) {
  snapshot_->AppendText(text_);
}

const GzipPrefix& RenderedSnapshot::gzip() const {
  std::call_once(gzip_once_, [this] { gzip_ = GzipBegin(text_); });
  return gzip_;
}

WebServer::WebServer(WebOptions options, WebHooks hooks)
    : options_(std::move(options)), hooks_(std::move(hooks)) {}

WebServer::~WebServer() {
  {
    std::lock_guard lock(retire_mutex_);
    stopping_ = true;
  }
  retire_cv_.notify_all();
  if (retirer_.joinable()) retirer_.join();
  daemon_.reset();  // its MHD_stop_daemon closes the listening socket
}

Status WebServer::Start() {
  const LoadedWebConfig loaded = LoadWebConfigFile(options_.web_config_file);
  if (!loaded.ok()) {
    return Status::Fail(Reason::kOther, options_.web_config_file + ": " + ErrorsText(loaded.errors));
  }
  Result<int> socket = OpenListenSocket(options_.listen_address);
  if (!socket.ok()) return socket.status;
  listen_fd_ = socket.value;
  auto started = StartDaemon(loaded.config);
  if (!started.ok()) {
    ::close(listen_fd_);
    return started.status;
  }
  std::lock_guard lock(daemon_mutex_);
  daemon_ = std::move(started.value);
  retirer_ = std::thread([this] { RetireLoop(); });
  LogInfo("listening", {{"address", options_.listen_address},
                        {"telemetry_path", options_.telemetry_path},
                        {"tls", loaded.config.tls ? "true" : "false"},
                        {"basic_auth_users", std::to_string(loaded.config.basic_auth_users.size())}});
  return Status::Ok();
}

Result<std::unique_ptr<WebServer::Daemon>> WebServer::StartDaemon(const WebConfig& config) {
  auto daemon = std::make_unique<Daemon>(this, config);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  std::vector<MHD_OptionItem> options = {
      {MHD_OPTION_LISTEN_SOCKET, listen_fd_, nullptr},
      {MHD_OPTION_THREAD_POOL_SIZE, kThreads, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, kMaxConnections, nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(kConnectionMemory), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, kIdleTimeoutSeconds, nullptr},
      // two-argument options carry the function in `value` (MHD_OPTION_ARRAY)
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&LogFromDaemon), nullptr},
  };
  if (const auto& tls = daemon->tls) {
    flags |= MHD_USE_TLS;
    options.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(tls->cert_pem.c_str())});
    options.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(tls->key_pem.c_str())});
    options.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>(tls->priorities.c_str())});
    if (!tls->client_ca_pem.empty() && tls->client_auth != ClientAuth::kNone) {
      options.push_back({MHD_OPTION_HTTPS_MEM_TRUST, 0, const_cast<char*>(tls->client_ca_pem.c_str())});
    }
  }
  options.push_back({MHD_OPTION_END, 0, nullptr});
  daemon->mhd = MHD_start_daemon(flags, 0, nullptr, nullptr, &HandleRequest, daemon.get(),
                                 MHD_OPTION_ARRAY, options.data(), MHD_OPTION_END);
  if (daemon->mhd == nullptr) {
    return Result<std::unique_ptr<Daemon>>::Fail(
        Reason::kOther, "cannot serve on " + options_.listen_address +
                            ": the HTTP daemon did not start (TLS settings refused?)");
  }
  return Result<std::unique_ptr<Daemon>>::Of(std::move(daemon));
}

std::string WebServer::ReloadWebConfig() {
  if (options_.web_config_file.empty()) return "";
  const LoadedWebConfig loaded = LoadWebConfigFile(options_.web_config_file);
  if (!loaded.ok()) {
    const std::string errors = options_.web_config_file + ": " + ErrorsText(loaded.errors);
    LogError("web configuration rejected, keeping the previous one", {{"errors", errors}});
    return errors;
  }
  std::lock_guard lock(daemon_mutex_);
  if (daemon_ == nullptr) return "the web server is not running";
  if (SameTls(daemon_->tls, loaded.config.tls)) {
    // users and headers only: the running daemon takes them for its next request
    daemon_->set_settings(std::make_shared<const WebSettings>(loaded.config));
    LogInfo("web configuration loaded", {{"file", options_.web_config_file}, {"tls", "unchanged"}});
    return "";
  }
  auto started = StartDaemon(loaded.config);
  if (!started.ok()) {
    LogError("web configuration rejected, keeping the previous one", {{"errors", started.status.detail()}});
    return started.status.detail();
  }
  // Both daemons accept on the socket for a moment; then the old one stops
  // accepting (quiesce) and retires once its requests are answered.
  daemon_->retiring = true;
  MHD_quiesce_daemon(daemon_->mhd);
  {
    std::lock_guard retire_lock(retire_mutex_);
    retiring_.push_back(std::move(daemon_));
  }
  retire_cv_.notify_all();
  daemon_ = std::move(started.value);
  LogInfo("web configuration loaded", {{"file", options_.web_config_file},
                                       {"tls", loaded.config.tls ? "reloaded" : "off"}});
  return "";
}

void WebServer::RetireLoop() {
  std::unique_lock lock(retire_mutex_);
  for (;;) {
    retire_cv_.wait(lock, [this] { return stopping_ || !retiring_.empty(); });
    if (retiring_.empty()) return;  // stopping
    std::unique_ptr<Daemon> old = std::move(retiring_.front());
    retiring_.pop_front();
    lock.unlock();
    const auto until = std::chrono::steady_clock::now() + kRetireGrace;
    while (std::chrono::steady_clock::now() < until) {
      const MHD_DaemonInfo* info = MHD_get_daemon_info(old->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
      if (info == nullptr || info->num_connections == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    old.reset();  // MHD_stop_daemon; a quiesced daemon leaves the socket open
    lock.lock();
  }
}

std::shared_ptr<const RenderedSnapshot> WebServer::Rendered(std::shared_ptr<const Snapshot> current) {
  {
    std::lock_guard lock(rendered_mutex_);
    if (rendered_ && &rendered_->snapshot() == current.get()) return rendered_;
  }
  auto fresh = std::make_shared<const RenderedSnapshot>(std::move(current));
  std::lock_guard lock(rendered_mutex_);
  rendered_ = fresh;
  return fresh;
}

}  // namespace streamprobe
