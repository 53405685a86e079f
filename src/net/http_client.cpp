#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>

#include "net/body_budget.h"

namespace streamprobe {
namespace {

// Collects the body up to `max_bytes`. Nothing is reserved up front; growth
// doubles but never past the cap, so a body's buffer is at most `max_bytes`.
// Buffer beyond kBodyFloorBytes is taken from the shared BodyBudget and given
// back when the sink is destroyed, at the end of the transfer (the caller's
// parse of the returned body is not counted: it is short and follows at once).
struct BodySink {
  std::string* body;
  std::size_t max_bytes;
  bool overflow = false;
  bool budget_spent = false;
  std::size_t taken = 0;  // bytes held from BodyBudget::Shared()

  ~BodySink() { BodyBudget::Shared().Give(taken); }

  // Grows the buffer to hold `needed` bytes; false when the shared budget
  // cannot cover the part beyond the floor.
  bool Grow(std::size_t needed) {
    const std::size_t capacity = std::min(std::max(needed, 2 * body->capacity()), max_bytes);
    const std::size_t beyond_floor = capacity > kBodyFloorBytes ? capacity - kBodyFloorBytes : 0;
    if (beyond_floor > taken) {
      if (!BodyBudget::Shared().TryTake(beyond_floor - taken)) return false;
      taken = beyond_floor;
    }
    // A fresh string: std::string::reserve may round up past the cap.
    std::string grown;
    grown.reserve(capacity);
    grown.append(*body);
    body->swap(grown);
    return true;
  }
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  std::string& body = *sink->body;
  const size_t n = size * count;
  if (body.size() + n > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer at once
  }
  if (body.size() + n > body.capacity() && !sink->Grow(body.size() + n)) {
    sink->budget_spent = true;
    return 0;
  }
  body.append(data, n);
  return n;
}

Status BudgetSpent(const HttpRequest& request) {
  return Status::Fail(Reason::kBadPayload,
                      "response body over " + std::to_string(kBodyFloorBytes) +
                          " bytes while the shared budget for large bodies (" +
                          std::to_string(kSharedBodyBudgetBytes) +
                          " bytes) is in use by other transfers, from " + request.url);
}

Status BodyOverCap(const HttpRequest& request) {
  return Status::Fail(Reason::kBadPayload, "response body over " +
                                               std::to_string(request.max_body_bytes) +
                                               " bytes from " + request.url);
}

Reason ReasonForCurl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Reason::kDns;
    case CURLE_COULDNT_CONNECT:
      return Reason::kRefused;
    case CURLE_OPERATION_TIMEDOUT:
      return Reason::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return Reason::kTls;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return Reason::kRefused;
    default:
      return Reason::kOther;
  }
}

class CurlHttpClient : public HttpClient {
 public:
  Result<HttpResponse> Do(const HttpRequest& request) override {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        request.deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Result<HttpResponse>::Fail(Reason::kTimeout, "deadline passed");

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Result<HttpResponse>::Fail(Reason::kOther, "curl_easy_init failed");
    CURL* h = curl.get();
    HttpResponse response;
    BodySink sink{&response.body, request.max_body_bytes};
    char error[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(left.count()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    // A declared Content-Length over the cap fails before any body is read.
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body_bytes));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "streamprobe/" STREAMPROBE_VERSION);
    if (request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    if (!request.basic_user.empty()) {
      curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(h, CURLOPT_USERNAME, request.basic_user.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, request.basic_password.c_str());
    }
    if (!request.tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, request.tls.ca_file.c_str());
    if (!request.tls.cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, request.tls.cert_file.c_str());
    if (!request.tls.key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, request.tls.key_file.c_str());
    if (request.tls.insecure_skip_verify) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
    for (const std::string& header : request.headers) {
      headers.reset(curl_slist_append(headers.release(), header.c_str()));
    }
    if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    const CURLcode code = curl_easy_perform(h);
    if (sink.overflow || code == CURLE_FILESIZE_EXCEEDED) {
      return Result<HttpResponse>::Fail(BodyOverCap(request));
    }
    if (sink.budget_spent) return Result<HttpResponse>::Fail(BudgetSpent(request));
    if (code != CURLE_OK) {
      std::string detail = error[0] ? error : curl_easy_strerror(code);
      return Result<HttpResponse>::Fail(ReasonForCurl(code), detail + " (" + request.url + ")");
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    char* content_type = nullptr;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type) response.content_type = content_type;
    return Result<HttpResponse>::Of(std::move(response));
  }
};

}  // namespace

std::shared_ptr<HttpClient> NewCurlHttpClient() { return std::make_shared<CurlHttpClient>(); }

void InitHttpGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }

Status CheckHttpStatus(const HttpResponse& response) {
  if (response.status >= 200 && response.status < 300) return Status::Ok();
  if (response.status == 401 || response.status == 403) {
    return Status::Fail(Reason::kAuth, "HTTP " + std::to_string(response.status));
  }
  return Status::Fail(Reason::kHttpStatus, "HTTP " + std::to_string(response.status));
}

}  // namespace streamprobe
