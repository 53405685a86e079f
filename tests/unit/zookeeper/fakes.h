// Fake and faulty seams for zookeeper backend tests, and fixture reading.
#pragma once

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "net/http_client.h"
#include "zookeeper/znode_reader.h"
#include "zookeeper/zookeeper_probe.h"

namespace streamprobe::zookeeper::testing {

// An in-memory znode tree. Paths not in `nodes` do not exist; children are
// derived from the stored paths. `failures` makes a path fail with a status.
class FakeZnodeReader : public ZnodeReader {
 public:
  void Put(const std::string& path, std::string data, ZnodeStat stat = {}) {
    nodes_[path] = Znode{std::move(data), stat};
  }
  void Fail(const std::string& path, Reason reason) { failures_[path] = reason; }

  Result<std::optional<Znode>> Get(const std::string& path, Deadline) override {
    ++calls;
    if (auto f = failures_.find(path); f != failures_.end()) {
      return Result<std::optional<Znode>>::Fail(f->second, "fake failure");
    }
    auto it = nodes_.find(path);
    if (it == nodes_.end()) return Result<std::optional<Znode>>::Of(std::nullopt);
    return Result<std::optional<Znode>>::Of(it->second);
  }

  Result<std::optional<std::vector<std::string>>> Children(const std::string& path,
                                                            Deadline) override {
    ++calls;
    using R = Result<std::optional<std::vector<std::string>>>;
    if (auto f = failures_.find(path); f != failures_.end()) return R::Fail(f->second, "fake failure");
    if (!nodes_.contains(path)) return R::Of(std::nullopt);
    std::set<std::string> names;
    const std::string prefix = path == "/" ? "/" : path + "/";
    for (const auto& [p, node] : nodes_) {
      if (p.size() > prefix.size() && p.compare(0, prefix.size(), prefix) == 0) {
        std::string rest = p.substr(prefix.size());
        names.insert(rest.substr(0, rest.find('/')));
      }
    }
    return R::Of(std::vector<std::string>(names.begin(), names.end()));
  }

  long long SessionId() const override { return 0x1234; }

  int calls = 0;

 private:
  std::map<std::string, Znode> nodes_;
  std::map<std::string, Reason> failures_;
};


// Contents of tests/fixtures/<relative>; empty if missing (the test then fails
// on its expectations, naming the file).
inline std::string Fixture(const std::string& relative) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}


// Answers four-letter words from a table; words not in it fail with `missing`.
class FakeFourLetterClient : public FourLetterClient {
 public:
  std::map<std::string, Result<std::string>> replies;
  Reason missing = Reason::kRefused;
  std::vector<std::string> asked;

  void Reply(const std::string& word, std::string text) { replies[word] = Result<std::string>::Of(std::move(text)); }
  void Fail(const std::string& word, Reason reason) { replies[word] = Result<std::string>::Fail(reason, "fake"); }

  Result<std::string> Ask(const std::string&, int, std::string_view word, Deadline) override {
    asked.emplace_back(word);
    auto it = replies.find(std::string(word));
    if (it == replies.end()) return Result<std::string>::Fail(missing, "fake: no reply");
    return it->second;
  }
};

// Returns one canned response and records the requests.
class FakeHttpClient : public HttpClient {
 public:
  Result<HttpResponse> response = Result<HttpResponse>::Fail(Reason::kRefused, "fake");
  std::vector<std::string> urls;

  void Answer(long status, std::string body) {
    response = Result<HttpResponse>::Of(HttpResponse{status, std::move(body), "application/json"});
  }
  Result<HttpResponse> Do(const HttpRequest& request) override {
    urls.push_back(request.url);
    return response;
  }
};

}  // namespace streamprobe::zookeeper::testing
