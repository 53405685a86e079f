// HTTP basic authentication against bcrypt hashes (basic_auth_users of the
// web configuration), verified by the system's crypt library (libxcrypt).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace streamprobe {

class BasicAuthVerifier {
 public:
  // `users`: user -> bcrypt hash. No users: every request is allowed.
  explicit BasicAuthVerifier(std::map<std::string, std::string> users);

  bool enabled() const { return !users_.empty(); }
  // True if `user` and `password` match. An unknown user costs the same bcrypt
  // work as a known one, so timing does not tell which users exist.
  // Thread-safe.
  bool Check(const std::string& user, const std::string& password) const;

 private:
  bool Verify(const std::string& hash, const std::string& password) const;

  std::map<std::string, std::string> users_;
  std::string dummy_hash_;  // for unknown users
  mutable std::mutex cache_mutex_;
  // Digests (SHA-256 of user, hash, password) of pairs that verified: a bcrypt
  // check costs tens of milliseconds, a scrape every few seconds must not pay
  // it each time. Only right passwords enter, so it holds at most one entry
  // per user. Guarded by cache_mutex_.
  mutable std::set<std::string> verified_;
};

}  // namespace streamprobe
