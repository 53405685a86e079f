// Request handling: authentication (client certificate, basic auth), routing,
// and responses. No endpoint reads a request body.
#include <gnutls/gnutls.h>

#include <cstring>
#include <memory>

#include "core/status_render.h"
#include "http/daemon.h"
#include "http/server.h"

namespace streamprobe {
namespace {

constexpr const char* kRealm = "streamprobe";

using ResponsePtr = std::unique_ptr<MHD_Response, void (*)(MHD_Response*)>;

ResponsePtr Owned(MHD_Response* response) { return ResponsePtr(response, MHD_destroy_response); }

ResponsePtr TextResponse(const std::string& body) {
  return Owned(MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                               MHD_RESPMEM_MUST_COPY));
}

// The headers every response carries: the configured ones, and Connection:
// close from a daemon that is being replaced.
void AddCommonHeaders(MHD_Response* response, const WebServer::Daemon& d) {
  for (const auto& [name, value] : d.settings()->headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  if (d.retiring) MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
}

MHD_Result Queue(MHD_Connection* c, const WebServer::Daemon& d, unsigned status, ResponsePtr response,
                 const char* content_type) {
  if (!response) return MHD_NO;
  MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  AddCommonHeaders(response.get(), d);
  return MHD_queue_response(c, status, response.get());
}

MHD_Result Text(MHD_Connection* c, const WebServer::Daemon& d, unsigned status, const std::string& body) {
  return Queue(c, d, status, TextResponse(body), "text/plain; charset=utf-8");
}

// The /metrics body as two pieces that stay alive until libmicrohttpd has
// sent them: the shared, once-rendered snapshot and this scrape's tail.
struct MetricsBody {
  std::shared_ptr<const RenderedSnapshot> rendered;
  std::string tail;
};

void FreeMetricsBody(void* body) { delete static_cast<MetricsBody*>(body); }

MHD_Result ServeMetrics(MHD_Connection* c, const WebServer::Daemon& d) {
  auto body = std::make_unique<MetricsBody>();
  body->rendered = d.server->Rendered(d.server->hooks().snapshot());
  const Snapshot& snapshot = body->rendered->snapshot();
  const char* accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  const bool gzip = accept != nullptr && AcceptsGzip(accept);
  const std::string& head = gzip ? body->rendered->gzip().bytes : body->rendered->text();
  body->tail = RenderMetricsTail(snapshot, UnixNow());
  if (gzip) body->tail = GzipFinish(body->rendered->gzip(), body->tail);
  const MHD_IoVec pieces[2] = {{head.data(), head.size()}, {body->tail.data(), body->tail.size()}};
  ResponsePtr response = Owned(MHD_create_response_from_iovec(pieces, 2, &FreeMetricsBody, body.get()));
  if (!response) return MHD_NO;
  body.release();  // owned by the response now
  MHD_add_response_header(response.get(), MHD_HTTP_HEADER_VARY, "Accept-Encoding");
  if (gzip) MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
  return Queue(c, d, MHD_HTTP_OK, std::move(response), "text/plain; version=0.0.4; charset=utf-8");
}

// "" when the request may go on, else why not (answered 403).
std::string ClientCertificateProblem(MHD_Connection* c, const WebServer::Daemon& d) {
  if (!d.tls || d.tls->client_auth == ClientAuth::kNone) return "";
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (info == nullptr || info->tls_session == nullptr) return "no TLS session";
  auto session = static_cast<gnutls_session_t>(info->tls_session);
  unsigned count = 0;
  if (gnutls_certificate_get_peers(session, &count) == nullptr || count == 0) {
    return d.tls->client_auth == ClientAuth::kRequireAndVerify ? "a client certificate is required" : "";
  }
  unsigned status = 0;
  if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS || status != 0) {
    return "the client certificate is not signed by client_ca_file";
  }
  return "";
}

bool Authorized(MHD_Connection* c, const BasicAuthVerifier& auth) {
  if (!auth.enabled()) return true;
  char* password = nullptr;
  char* user = MHD_basic_auth_get_username_password(c, &password);
  const bool ok = user != nullptr && password != nullptr && auth.Check(user, password);
  if (password != nullptr) {
    std::memset(password, 0, std::strlen(password));
    MHD_free(password);
  }
  if (user != nullptr) MHD_free(user);
  return ok;
}

MHD_Result MethodNotAllowed(MHD_Connection* c, const WebServer::Daemon& d, const char* allow) {
  ResponsePtr response = TextResponse(std::string("use ") + allow + "\n");
  if (!response) return MHD_NO;
  MHD_add_response_header(response.get(), MHD_HTTP_HEADER_ALLOW, allow);
  return Queue(c, d, MHD_HTTP_METHOD_NOT_ALLOWED, std::move(response), "text/plain; charset=utf-8");
}

MHD_Result Reload(MHD_Connection* c, const WebServer::Daemon& d, const std::string& method) {
  if (method != MHD_HTTP_METHOD_POST) return MethodNotAllowed(c, d, "POST");
  if (!d.server->options().enable_lifecycle) {
    return Text(c, d, MHD_HTTP_FORBIDDEN, "Lifecycle API is not enabled (--web.enable-lifecycle).\n");
  }
  const std::string error = d.server->hooks().reload();
  return error.empty() ? Text(c, d, MHD_HTTP_OK, "reloaded\n") : Text(c, d, MHD_HTTP_BAD_REQUEST, error);
}

MHD_Result Route(MHD_Connection* c, const WebServer::Daemon& d, const std::string& url,
                 const std::string& method) {
  const WebServer& server = *d.server;
  if (url == "/-/reload") return Reload(c, d, method);
  if (method != MHD_HTTP_METHOD_GET && method != MHD_HTTP_METHOD_HEAD) {  // HEAD: same headers, no body
    return MethodNotAllowed(c, d, "GET, HEAD");
  }
  if (url == server.options().telemetry_path) return ServeMetrics(c, d);
  if (url == "/healthz" || url == "/-/healthy") return Text(c, d, MHD_HTTP_OK, "ok\n");
  if (url == "/readyz" || url == "/-/ready") {
    const bool ready = server.hooks().ready();
    return Text(c, d, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                ready ? "ready\n" : "first probe round not done\n");
  }
  if (url == "/api/v1/targets") {
    return Queue(c, d, MHD_HTTP_OK, TextResponse(RenderTargetsJson(*server.hooks().snapshot())),
                 "application/json");
  }
  if (url == "/api/v1/status") {
    return Queue(c, d, MHD_HTTP_OK,
                 TextResponse(RenderStatusJson(ComposeStatus(*server.hooks().snapshot()))),
                 "application/json");
  }
  if (url == "/") {
    return Queue(c, d, MHD_HTTP_OK,
                 TextResponse(RenderStatusPage(ComposeStatus(*server.hooks().snapshot()),
                                               server.options().telemetry_path, UnixNow())),
                 "text/html; charset=utf-8");
  }
  return Text(c, d, MHD_HTTP_NOT_FOUND, "not found\n");
}

}  // namespace

MHD_Result HandleRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                         const char*, const char*, size_t* upload_data_size, void** request_state) {
  const auto& d = *static_cast<const WebServer::Daemon*>(cls);
  // First call: headers only. Answering then would make libmicrohttpd close
  // the connection (it cannot know the request is complete), so the answer
  // comes on the last call; a body in between is read and dropped.
  if (*request_state == nullptr) {
    *request_state = const_cast<WebServer::Daemon*>(&d);
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  const std::string certificate_problem = ClientCertificateProblem(connection, d);
  if (!certificate_problem.empty()) return Text(connection, d, MHD_HTTP_FORBIDDEN, certificate_problem + "\n");
  if (!Authorized(connection, d.settings()->auth)) {
    ResponsePtr response = TextResponse("Unauthorized\n");
    if (!response) return MHD_NO;
    MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    AddCommonHeaders(response.get(), d);
    return MHD_queue_basic_auth_fail_response(connection, kRealm, response.get());
  }
  return Route(connection, d, url, method);
}

}  // namespace streamprobe
