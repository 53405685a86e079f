// ZnodeReader over libzookeeper-mt's asynchronous API.
//
// Every call submits an async request whose completion fills a shared_ptr-owned
// Call and signals it; the caller waits until its deadline at most. A completion
// that arrives after the caller gave up only touches the Call it co-owns, never
// the caller's stack. Opening a handle (zookeeper_init2 resolves host names
// synchronously) runs on a helper thread for the same reason.
#include "zookeeper/zk_session.h"

#include <zookeeper/zookeeper.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>

#include "core/executor.h"
#include "core/log.h"

namespace streamprobe::zookeeper {
namespace {

// Routes the C client's own log lines to our debug log (it logs every refused
// connection attempt at ERROR level otherwise).
void ClientLog(const char* message) { LogDebug("zookeeper client", {{"message", message}}); }

void QuietClientLogging() {
  static std::once_flag once;
  std::call_once(once, [] { zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR); });
}

// State shared with the C client's watcher: the session id of the handle.
struct Shared {
  std::atomic<long long> session_id{0};
};

void Watcher(zhandle_t* zh, int type, int state, const char* /*path*/, void* context) {
  if (type != ZOO_SESSION_EVENT || context == nullptr) return;
  auto* shared = static_cast<Shared*>(context);
  if (state == ZOO_CONNECTED_STATE) {
    const clientid_t* id = zoo_client_id(zh);
    shared->session_id = id != nullptr ? id->client_id : 0;
  } else if (state == ZOO_EXPIRED_SESSION_STATE || state == ZOO_AUTH_FAILED_STATE) {
    shared->session_id = 0;
  }
}

// One handle being opened on a helper thread.
struct Opening {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;  // the session went away; the helper closes the handle
  zhandle_t* zh = nullptr;
  int error = 0;           // errno of a failed zookeeper_init2
};

// One request in flight; co-owned by the caller and the completion.
template <typename T>
struct Call {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  int rc = 0;
  T value{};
};

using GetCall = Call<std::optional<Znode>>;
using ChildrenCall = Call<std::optional<std::vector<std::string>>>;

template <typename T>
void Finish(Call<T>& call, int rc, T value) {
  {
    std::lock_guard lock(call.m);
    call.done = true;
    call.rc = rc;
    call.value = std::move(value);
  }
  call.cv.notify_all();
}

// Completions not yet run for the current handle. zookeeper_close may drop
// queued completions without calling them, so after closing a handle the
// session abandons what is left here (no completion can run after the close).
struct InFlight {
  std::mutex m;
  std::map<void*, void (*)(void*)> abandon;  // owner -> how to abandon it
};

// The completion's `data`: heap-allocated, freed by whichever runs first of
// the completion and the session's abandon after zookeeper_close.
template <typename T>
struct Owner {
  std::shared_ptr<Call<T>> call;
  std::shared_ptr<InFlight> in_flight;
};

template <typename T>
void AbandonOwner(void* p) {
  std::unique_ptr<Owner<T>> owner(static_cast<Owner<T>*>(p));
  Finish(*owner->call, ZCLOSING, T{});
}

template <typename T>
Owner<T>* Register(std::shared_ptr<Call<T>> call, const std::shared_ptr<InFlight>& in_flight) {
  auto* owner = new Owner<T>{std::move(call), in_flight};
  std::lock_guard lock(in_flight->m);
  in_flight->abandon[owner] = &AbandonOwner<T>;
  return owner;
}

// Takes the owner back from the in-flight set (completion side).
template <typename T>
std::unique_ptr<Owner<T>> Claim(const void* data) {
  std::unique_ptr<Owner<T>> owner(static_cast<Owner<T>*>(const_cast<void*>(data)));
  std::lock_guard lock(owner->in_flight->m);
  owner->in_flight->abandon.erase(owner.get());
  return owner;
}

// Forgets an owner whose request was never submitted.
template <typename T>
void Unregister(Owner<T>* owner) {
  {
    std::lock_guard lock(owner->in_flight->m);
    owner->in_flight->abandon.erase(owner);
  }
  delete owner;
}

ZnodeStat ToStat(const Stat& s) {
  ZnodeStat out;
  out.czxid = s.czxid;
  out.mzxid = s.mzxid;
  out.ctime_ms = s.ctime;
  out.mtime_ms = s.mtime;
  out.ephemeral_owner = s.ephemeralOwner;
  out.version = s.version;
  out.num_children = s.numChildren;
  out.data_length = s.dataLength;
  return out;
}

void GetDone(int rc, const char* value, int value_len, const Stat* stat, const void* data) {
  auto owner = Claim<std::optional<Znode>>(data);
  std::optional<Znode> node;
  if (rc == ZOK) {
    node.emplace();
    if (value != nullptr && value_len > 0) node->data.assign(value, static_cast<std::size_t>(value_len));
    if (stat != nullptr) node->stat = ToStat(*stat);
  }
  Finish(*owner->call, rc, std::move(node));
}

void ChildrenDone(int rc, const String_vector* strings, const void* data) {
  auto owner = Claim<std::optional<std::vector<std::string>>>(data);
  std::optional<std::vector<std::string>> children;
  if (rc == ZOK) {
    children.emplace();
    for (int i = 0; strings != nullptr && i < strings->count; ++i) children->emplace_back(strings->data[i]);
  }
  Finish(*owner->call, rc, std::move(children));
}

Status FromRc(int rc, const std::string& path) {
  const std::string detail = path + ": " + zerror(rc);
  if (rc == ZCONNECTIONLOSS) return Status::Fail(Reason::kRefused, detail);
  if (rc == ZOPERATIONTIMEOUT) return Status::Fail(Reason::kTimeout, detail);
  if (rc == ZNOAUTH || rc == ZAUTHFAILED) return Status::Fail(Reason::kAuth, detail);
  return Status::Fail(Reason::kOther, detail);
}

class ZkSession final : public ZnodeReader {
 public:
  ZkSession(std::string connect_string, std::chrono::milliseconds session_timeout)
      : connect_(std::move(connect_string)), session_timeout_(session_timeout) {
    QuietClientLogging();
  }

  ~ZkSession() override {
    std::lock_guard lock(mu_);
    CloseHandle();
    if (opening_) {
      std::lock_guard olock(opening_->m);
      opening_->abandoned = true;
      if (opening_->done && opening_->zh != nullptr) zookeeper_close(opening_->zh);
    }
  }

  Result<std::optional<Znode>> Get(const std::string& path, Deadline deadline) override {
    auto call = std::make_shared<GetCall>();
    Status submitted = Submit(path, deadline, [&](zhandle_t* zh) {
      auto* owner = Register(call, in_flight_);
      int rc = zoo_aget(zh, path.c_str(), 0, &GetDone, owner);
      if (rc != ZOK) Unregister(owner);
      return rc;
    });
    return Wait(call, submitted, path, deadline);
  }

  Result<std::optional<std::vector<std::string>>> Children(const std::string& path,
                                                            Deadline deadline) override {
    auto call = std::make_shared<ChildrenCall>();
    Status submitted = Submit(path, deadline, [&](zhandle_t* zh) {
      auto* owner = Register(call, in_flight_);
      int rc = zoo_aget_children(zh, path.c_str(), 0, &ChildrenDone, owner);
      if (rc != ZOK) Unregister(owner);
      return rc;
    });
    return Wait(call, submitted, path, deadline);
  }

  long long SessionId() const override { return shared_->session_id; }

 private:
  // Gets a usable handle and submits one request through `submit`.
  template <typename F>
  Status Submit(const std::string& path, Deadline deadline, F submit) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Fail(Reason::kTimeout, path + ": deadline passed before the call");
    }
    std::unique_lock lock(mu_, std::defer_lock);
    if (!lock.try_lock_until(deadline)) {
      return Status::Fail(Reason::kTimeout, path + ": session busy until the deadline");
    }
    Status handle = EnsureHandle(deadline);
    if (!handle.ok()) return handle;
    int rc = submit(zh_);
    if (rc == ZINVALIDSTATE || rc == ZSESSIONEXPIRED) CloseHandle();  // reopen next call
    return rc == ZOK ? Status::Ok() : FromRc(rc, path);
  }

  template <typename T>
  Result<T> Wait(const std::shared_ptr<Call<T>>& call, const Status& submitted,
                 const std::string& path, Deadline deadline) {
    if (!submitted.ok()) return Result<T>::Fail(submitted);
    std::unique_lock lock(call->m);
    if (!call->cv.wait_until(lock, deadline, [&] { return call->done; })) {
      return Result<T>::Fail(Reason::kTimeout, path + ": no answer from ZooKeeper by the deadline");
    }
    if (call->rc == ZOK || call->rc == ZNONODE) return Result<T>::Of(std::move(call->value));
    return Result<T>::Fail(FromRc(call->rc, path));
  }

  // REQUIRES: mu_ held. Drops a handle whose session expired or failed auth,
  // and opens a new one (waiting for the helper thread until `deadline`).
  Status EnsureHandle(Deadline deadline) {
    if (zh_ != nullptr) {
      const int state = zoo_state(zh_);
      if (state != ZOO_EXPIRED_SESSION_STATE && state != ZOO_AUTH_FAILED_STATE) return Status::Ok();
      LogInfo("zookeeper session expired or failed auth; reopening", {{"connect", connect_}});
      CloseHandle();
    }
    if (!opening_) {
      Status started = StartOpening(deadline);
      if (!started.ok()) return started;
    }
    std::unique_lock olock(opening_->m);
    if (!opening_->cv.wait_until(olock, deadline, [&] { return opening_->done; })) {
      return Status::Fail(Reason::kTimeout, "opening a ZooKeeper session to " + connect_);
    }
    zh_ = opening_->zh;
    const int error = opening_->error;
    olock.unlock();
    opening_.reset();
    if (zh_ != nullptr) return Status::Ok();
    // zookeeper_init2 fails (errno ENOENT or EINVAL) when no host resolves.
    if (error == ENOENT || error == EINVAL) {
      return Status::Fail(Reason::kDns, "no host of " + connect_ + " resolves");
    }
    return Status::Fail(Reason::kOther,
                        "cannot open a ZooKeeper session to " + connect_ + ": " + std::strerror(error));
  }

  // REQUIRES: mu_ held.
  // zookeeper_init2 resolves the connect string with a blocking getaddrinfo,
  // so it runs on the shared executor; `deadline` is when the caller stops waiting.
  Status StartOpening(Deadline deadline) {
    auto opening = std::make_shared<Opening>();
    Status submitted = Executor::Shared().Submit(deadline, [opening, shared = shared_, connect = connect_,
                 timeout = static_cast<int>(session_timeout_.count())] {
      errno = 0;
      zhandle_t* zh = zookeeper_init2(connect.c_str(), &Watcher, timeout, nullptr, shared.get(), 0,
                                      &ClientLog);
      const int error = errno;
      std::unique_lock lock(opening->m);
      if (opening->abandoned) {
        lock.unlock();
        if (zh != nullptr) zookeeper_close(zh);
        return;
      }
      opening->done = true;
      opening->zh = zh;
      opening->error = error;
      lock.unlock();
      opening->cv.notify_all();
    });
    if (submitted.ok()) opening_ = std::move(opening);
    return submitted;
  }

  // REQUIRES: mu_ held.
  void CloseHandle() {
    if (zh_ == nullptr) return;
    zookeeper_close(zh_);  // joins the client's threads: no completion runs after this
    zh_ = nullptr;
    shared_->session_id = 0;
    std::map<void*, void (*)(void*)> left;
    {
      std::lock_guard lock(in_flight_->m);
      left.swap(in_flight_->abandon);
    }
    for (auto [owner, abandon] : left) abandon(owner);
  }

  const std::string connect_;
  const std::chrono::milliseconds session_timeout_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  std::shared_ptr<InFlight> in_flight_ = std::make_shared<InFlight>();
  std::timed_mutex mu_;                // guards zh_ and opening_
  zhandle_t* zh_ = nullptr;
  std::shared_ptr<Opening> opening_;  // a handle being opened, if any
};

}  // namespace

std::shared_ptr<ZnodeReader> NewZkSession(std::string connect_string,
                                          std::chrono::milliseconds session_timeout) {
  return std::make_shared<ZkSession>(std::move(connect_string), session_timeout);
}

}  // namespace streamprobe::zookeeper
