#include "http/basic_auth.h"

#include <crypt.h>
#include <gnutls/crypto.h>

#include <memory>

namespace streamprobe {
namespace {

// Equal-length, data-independent comparison.
bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// A bcrypt hash of a random password at the cost of the first user's hash,
// so checking an unknown user takes as long as checking a known one.
std::string DummyHash(const std::map<std::string, std::string>& users) {
  if (users.empty()) return "";
  const std::string& model = users.begin()->second;
  const std::string prefix = model.substr(0, 4);  // "$2y$"
  const unsigned long cost = std::stoul(model.substr(4, 2));
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(prefix.c_str(), cost, nullptr, 0, setting, sizeof setting) == nullptr) return model;
  auto data = std::make_unique<crypt_data>();
  const char* hashed = crypt_rn("streamprobe-no-such-user", setting, data.get(), sizeof *data);
  return hashed != nullptr && hashed[0] != '*' ? std::string(hashed) : model;
}

// The cache key: a digest, so looking it up compares no password bytes.
std::string CacheKey(const std::string& user, const std::string& hash, const std::string& password) {
  const std::string material = user + '\0' + hash + '\0' + password;
  unsigned char digest[32];
  if (gnutls_hash_fast(GNUTLS_DIG_SHA256, material.data(), material.size(), digest) != 0) return "";
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

BasicAuthVerifier::BasicAuthVerifier(std::map<std::string, std::string> users)
    : users_(std::move(users)), dummy_hash_(DummyHash(users_)) {}

bool BasicAuthVerifier::Verify(const std::string& hash, const std::string& password) const {
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on a server thread's stack
  const char* hashed = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof *data);
  return hashed != nullptr && hashed[0] != '*' && ConstantTimeEquals(hashed, hash);
}

bool BasicAuthVerifier::Check(const std::string& user, const std::string& password) const {
  if (users_.empty()) return true;
  if (password.find('\0') != std::string::npos) return false;
  const auto it = users_.find(user);
  const std::string& hash = it == users_.end() ? dummy_hash_ : it->second;
  const std::string key = CacheKey(user, hash, password);
  if (!key.empty()) {
    std::lock_guard lock(cache_mutex_);
    if (verified_.count(key)) return true;
  }
  const bool ok = Verify(hash, password) && it != users_.end();
  if (ok && !key.empty()) {
    std::lock_guard lock(cache_mutex_);
    verified_.insert(key);
  }
  return ok;
}

}  // namespace streamprobe
