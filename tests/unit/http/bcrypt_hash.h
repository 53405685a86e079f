// Test helper: a bcrypt hash of `password` made by the system's crypt library,
// with `prefix` "$2y$" (htpasswd -B) or "$2b$", cost 5 to keep tests fast.
#pragma once

#include <crypt.h>

#include <string>

#include <gtest/gtest.h>

namespace streamprobe {

inline std::string BcryptHash(const std::string& password, const char* prefix = "$2y$") {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 5, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  EXPECT_NE(hash, nullptr);
  return hash != nullptr ? hash : "";
}

}  // namespace streamprobe
