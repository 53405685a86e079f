// Fake and faulty HttpClient shared by the HTTP backends' unit tests: answers
// by exact URL (query included), records every request, fails unknown URLs with
// reason refused and bodies over the request's cap with bad_payload, as the
// libcurl client does. Thread-safe.
#pragma once

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "net/http_client.h"

namespace streamprobe::testing {

inline std::string ReadFixture(const std::string& relative) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/" + relative, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class FakeHttp : public HttpClient {
 public:
  void Answer(const std::string& url, long status, std::string body,
              std::string content_type = "application/json") {
    routes_[url] = Result<HttpResponse>::Of({status, std::move(body), std::move(content_type)});
  }
  void Fail(const std::string& url, Reason reason, const std::string& detail = "fake failure") {
    routes_[url] = Result<HttpResponse>::Fail(reason, detail);
  }
  Result<HttpResponse> Do(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests.push_back(request);
    auto it = routes_.find(request.url);
    if (it == routes_.end()) return Result<HttpResponse>::Fail(Reason::kRefused, "refused " + request.url);
    // A body over the cap fails as the libcurl client does.
    if (it->second.ok() && it->second.value.body.size() > request.max_body_bytes) {
      return Result<HttpResponse>::Fail(Reason::kBadPayload, "response body over cap");
    }
    return it->second;
  }
  std::vector<HttpRequest> requests;

 private:
  std::mutex mutex_;
  std::map<std::string, Result<HttpResponse>> routes_;
};

}  // namespace streamprobe::testing
