// Bounded failure reasons shared by every probe.
//
// A reason explains why a probe could not confirm health. It is exported as a
// label value, so the set is fixed and small; free-form detail goes to logs and
// the status page only.
#pragma once

#include <array>
#include <string_view>

namespace streamprobe {

enum class Reason {
  kNone,         // success
  kDns,          // host name does not resolve
  kRefused,      // TCP connection refused / reset before any answer
  kTimeout,      // no answer before the probe's deadline
  kTls,          // TLS handshake or certificate failure
  kAuth,         // credentials rejected or missing (HTTP 401/403, SASL)
  kHttpStatus,   // unexpected HTTP status code
  kBadPayload,   // answered, but not in the expected format
  kNotServing,   // answered, and says it is not serving (e.g. ZooKeeper without quorum)
  kOther,        // anything else; see logs
};

inline constexpr std::array<Reason, 10> kAllReasons = {
    Reason::kNone,       Reason::kDns,     Reason::kRefused,    Reason::kTimeout,
    Reason::kTls,        Reason::kAuth,    Reason::kHttpStatus, Reason::kBadPayload,
    Reason::kNotServing, Reason::kOther};

// Label value for a reason: "none", "dns", "refused", ...
std::string_view ReasonName(Reason reason);

}  // namespace streamprobe
