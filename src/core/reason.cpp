#include "core/reason.h"

namespace streamprobe {

std::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "none";
    case Reason::kDns: return "dns";
    case Reason::kRefused: return "refused";
    case Reason::kTimeout: return "timeout";
    case Reason::kTls: return "tls";
    case Reason::kAuth: return "auth";
    case Reason::kHttpStatus: return "http_status";
    case Reason::kBadPayload: return "bad_payload";
    case Reason::kNotServing: return "not_serving";
    case Reason::kOther: return "other";
  }
  return "other";
}

}  // namespace streamprobe
