// HTTP client seam. Probes depend on HttpClient; production uses libcurl,
// tests substitute fakes.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace streamprobe {

struct TlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure_skip_verify = false;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;       // "Name: value"
  std::string body;
  std::string basic_user;                  // basic auth when non-empty
  std::string basic_password;              // never logged
  TlsOptions tls;
  std::size_t max_body_bytes = 4u << 20;   // larger bodies fail with kBadPayload
  std::chrono::steady_clock::time_point deadline;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Performs the request by `request.deadline`. A transport failure gives a
  // status with reason dns, refused, timeout, tls, bad_payload (body over the
  // cap) or other. Any HTTP status is a success at this level.
  // Thread-safe.
  virtual Result<HttpResponse> Do(const HttpRequest& request) = 0;
};

// libcurl-backed client. Call InitHttpGlobal() once before any thread starts.
std::shared_ptr<HttpClient> NewCurlHttpClient();
void InitHttpGlobal();

// Maps an HTTP status to a probe status: 2xx ok, 401/403 auth, others http_status.
Status CheckHttpStatus(const HttpResponse& response);

}  // namespace streamprobe
