#include "config/decoder.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "config/file_read.h"

namespace streamprobe {
namespace {

// A secret is a password, token or key: 64 KiB is far more than any.
constexpr std::size_t kMaxSecretBytes = 64 * 1024;

// Bounds on a configured regular expression (see Decoder::Regex).
constexpr std::size_t kMaxRegexLength = 1024;
constexpr int kMaxRegexNesting = 32;

// The deepest nesting of unescaped parentheses in `pattern`.
int GroupNesting(const std::string& pattern) {
  int depth = 0, deepest = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '(') {
      deepest = std::max(deepest, ++depth);
    } else if (pattern[i] == ')' && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::string FormatErrors(const ErrorList& errors) {
  std::string out;
  for (const ConfigError& e : errors) {
    out += e.field.empty() ? std::string("config") : e.field;
    out += ": ";
    out += e.message;
    out += '\n';
  }
  return out;
}

DurationParse ParseDuration(const std::string& text) {
  static const std::regex part("([0-9]+)(ms|s|m|h|d)");
  const DurationParse malformed{std::nullopt, false};
  if (text.empty()) return malformed;
  // Summed in milliseconds with overflow checks: digits alone may exceed
  // long long, and so may a product or the sum.
  long long total = 0;
  std::size_t pos = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator();
       ++it) {
    if (static_cast<std::size_t>(it->position()) != pos) return malformed;
    const std::string digits = (*it)[1];
    const std::string unit = (*it)[2];
    long long n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size()) return {std::nullopt, true};
    const long long factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000
                             : unit == "h" ? 3600000 : 86400000;
    long long part_ms = 0;
    if (__builtin_mul_overflow(n, factor, &part_ms) ||
        __builtin_add_overflow(total, part_ms, &total)) {
      return {std::nullopt, true};
    }
    pos += it->length();
  }
  if (pos != text.size()) return malformed;
  return {Millis(total), false};
}

std::optional<std::string> KeyText(const YAML::Node& key) {
  if (!key.IsScalar()) return std::nullopt;
  return key.Scalar();
}

Decoder::Decoder(YAML::Node node, std::string path, ErrorList* errors)
    : Decoder(std::move(node), std::move(path), errors, std::make_shared<std::string>()) {}

Decoder::Decoder(YAML::Node node, std::string path, ErrorList* errors,
                 std::shared_ptr<std::string> secret_digests)
    : node_(std::move(node)),
      path_(std::move(path)),
      errors_(errors),
      read_keys_(std::make_shared<std::set<std::string>>()),
      secret_digests_(std::move(secret_digests)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    errors_->push_back({path_, "must be a mapping"});
    node_ = YAML::Node(YAML::NodeType::Map);
  }
}

std::string Decoder::FieldPath(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void Decoder::Error(const std::string& key, const std::string& message) const {
  errors_->push_back({FieldPath(key), message});
}

bool Decoder::Has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

std::optional<YAML::Node> Decoder::Get(const std::string& key) {
  read_keys_->insert(key);
  if (!node_.IsMap()) return std::nullopt;
  YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return value;
}

std::string Decoder::String(const std::string& key, const std::string& fallback) {
  auto got = Get(key);
  if (!got) return fallback;
  const YAML::Node& v = *got;
  if (!v.IsScalar()) {
    Error(key, "must be a string");
    return fallback;
  }
  return v.Scalar();
}

std::string Decoder::RequiredString(const std::string& key) {
  if (!Has(key)) {
    Get(key);
    Error(key, "is required");
    return "";
  }
  std::string value = String(key);
  if (value.empty()) Error(key, "must not be empty");
  return value;
}

long long Decoder::Int(const std::string& key, long long fallback, long long min, long long max) {
  auto got = Get(key);
  if (!got) return fallback;
  const YAML::Node& v = *got;
  long long value = 0;
  if (!v.IsScalar() || !YAML::convert<long long>::decode(v, value)) {
    Error(key, "must be an integer");
    return fallback;
  }
  if (value < min || value > max) {
    Error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return fallback;
  }
  return value;
}

double Decoder::Number(const std::string& key, double fallback, double min, double max) {
  auto got = Get(key);
  if (!got) return fallback;
  const YAML::Node& v = *got;
  double value = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, value)) {
    Error(key, "must be a number");
    return fallback;
  }
  if (value < min || value > max) {
    std::ostringstream range;
    range << "must be between " << min << " and " << max;
    Error(key, range.str());
    return fallback;
  }
  return value;
}

bool Decoder::Bool(const std::string& key, bool fallback) {
  auto got = Get(key);
  if (!got) return fallback;
  const YAML::Node& v = *got;
  bool value = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, value)) {
    Error(key, "must be true or false");
    return fallback;
  }
  return value;
}

Millis Decoder::Duration(const std::string& key, Millis fallback, Millis min, Millis max) {
  auto got = Get(key);
  if (!got) return fallback;
  const YAML::Node& v = *got;
  const DurationParse parsed =
      v.IsScalar() ? ParseDuration(v.Scalar()) : DurationParse{std::nullopt, false};
  const std::string range =
      "between " + std::to_string(min.count()) + "ms and " + std::to_string(max.count()) + "ms";
  if (parsed.overflow) {
    Error(key, "is out of range: must be " + range);
    return fallback;
  }
  if (!parsed.value) {
    Error(key, "must be a duration such as 500ms, 15s, 2m or 1h");
    return fallback;
  }
  if (*parsed.value < min || *parsed.value > max) {
    Error(key, "must be " + range);
    return fallback;
  }
  return *parsed.value;
}

std::vector<std::string> Decoder::StringList(const std::string& key) {
  auto got = Get(key);
  std::vector<std::string> out;
  if (!got) return out;
  const YAML::Node& v = *got;
  if (!v.IsSequence()) {
    Error(key, "must be a list of strings");
    return out;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar() || v[i].Scalar().empty()) {
      Error(key + "[" + std::to_string(i) + "]", "must be a non-empty string");
      continue;
    }
    out.push_back(v[i].Scalar());
  }
  return out;
}

std::vector<long long> Decoder::IntList(const std::string& key, long long min, long long max) {
  auto got = Get(key);
  std::vector<long long> out;
  if (!got) return out;
  const YAML::Node& v = *got;
  if (!v.IsSequence()) {
    Error(key, "must be a list of integers");
    return out;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    long long n = 0;
    if (!v[i].IsScalar() || !YAML::convert<long long>::decode(v[i], n) || n < min || n > max) {
      Error(key + "[" + std::to_string(i) + "]",
            "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
      continue;
    }
    out.push_back(n);
  }
  return out;
}

std::map<std::string, std::string> Decoder::StringMap(const std::string& key) {
  auto got = Get(key);
  std::map<std::string, std::string> out;
  if (!got) return out;
  const YAML::Node& v = *got;
  if (!v.IsMap()) {
    Error(key, "must be a mapping of strings");
    return out;
  }
  for (const auto& entry : v) {
    const std::optional<std::string> name_text = KeyText(entry.first);
    if (!name_text) {
      Error(key, "keys must be strings");
      continue;
    }
    const std::string& name = *name_text;
    if (!entry.second.IsScalar()) {
      Error(key + "." + name, "must be a string");
      continue;
    }
    if (!out.emplace(name, entry.second.Scalar()).second) {
      Error(key + "." + name, "is given more than once");
    }
  }
  return out;
}

bool HasCredentials(std::string_view address) {
  const std::size_t scheme = address.find("://");
  std::string_view authority = scheme == std::string_view::npos ? address
                                                                : address.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  return authority.find('@') != std::string_view::npos;
}

void Decoder::RejectCredentials(const std::string& field, const std::string& address,
                                const std::string& instead) {
  // The address itself is not repeated: it holds the password.
  if (HasCredentials(address)) {
    Error(field, "must not carry credentials (user:password@); " + instead);
  }
}

std::string Decoder::RequiredAddress(const std::string& key, const std::string& instead) {
  std::string value = RequiredString(key);
  RejectCredentials(key, value, instead);
  return HasCredentials(value) ? "" : value;
}

std::vector<std::string> Decoder::AddressList(const std::string& key, const std::string& instead) {
  std::vector<std::string> out;
  const std::vector<std::string> values = StringList(key);
  for (std::size_t i = 0; i < values.size(); ++i) {
    RejectCredentials(key + "[" + std::to_string(i) + "]", values[i], instead);
    if (!HasCredentials(values[i])) out.push_back(values[i]);
  }
  return out;
}

Secret Decoder::SecretValue(const std::string& key) {
  auto got = Get(key);
  Secret secret;
  if (!got) return secret;
  const YAML::Node& v = *got;
  if (!v.IsMap()) {
    Error(key, "must be {file: <path>} or {env: <VARIABLE>}; inline secrets are not accepted");
    return secret;
  }
  Decoder d(v, FieldPath(key), errors_, secret_digests_);
  std::string file = d.String("file");
  std::string env = d.String("env");
  d.Finish();
  if (file.empty() == env.empty()) {
    Error(key, "needs exactly one of file or env");
    return secret;
  }
  if (!file.empty()) {
    secret.source = "file:" + file;
    const std::string error = ReadConfigFile(file, kMaxSecretBytes, &secret.value);
    if (!error.empty()) {
      Error(key + ".file", error);
      return secret;
    }
    while (!secret.value.empty() && (secret.value.back() == '\n' || secret.value.back() == '\r')) {
      secret.value.pop_back();
    }
  } else {
    secret.source = "env:" + env;
    const char* value = std::getenv(env.c_str());
    if (value == nullptr) {
      Error(key + ".env", "environment variable " + env + " is not set");
      return secret;
    }
    secret.value = value;
  }
  *secret_digests_ += std::to_string(std::hash<std::string>{}(secret.value)) + ";";
  return secret;
}

std::string Decoder::Regex(const std::string& key) {
  std::string pattern = String(key);
  if (pattern.empty()) return pattern;
  // libstdc++ compiles a pattern recursively (per group and per alternative):
  // bound both before compiling, so no pattern can overflow the stack.
  if (pattern.size() > kMaxRegexLength) {
    Error(key, "is longer than " + std::to_string(kMaxRegexLength) + " characters");
    return "";
  }
  if (GroupNesting(pattern) > kMaxRegexNesting) {
    Error(key, "nests groups deeper than " + std::to_string(kMaxRegexNesting));
    return "";
  }
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    Error(key, std::string("invalid regular expression: ") + e.what());
    return "";
  }
  return pattern;
}

Decoder Decoder::Child(const std::string& key) {
  auto got = Get(key);
  return Decoder(got ? *got : YAML::Node(YAML::NodeType::Map), FieldPath(key), errors_,
                 secret_digests_);
}

std::vector<Decoder> Decoder::Sequence(const std::string& key) {
  auto got = Get(key);
  std::vector<Decoder> out;
  if (!got) return out;
  const YAML::Node& v = *got;
  if (!v.IsSequence()) {
    Error(key, "must be a list");
    return out;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(Decoder(v[i], FieldPath(key) + "[" + std::to_string(i) + "]", errors_,
                          secret_digests_));
  }
  return out;
}

void Decoder::Finish() {
  if (!node_.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    const std::optional<std::string> key = KeyText(entry.first);
    if (!key) {
      errors_->push_back({path_.empty() ? "config" : path_, "keys must be strings"});
    } else if (!seen.insert(*key).second) {
      // yaml-cpp keeps both entries and reads the first: refuse the ambiguity.
      errors_->push_back({FieldPath(*key), "is given more than once"});
    } else if (!read_keys_->count(*key)) {
      errors_->push_back({FieldPath(*key), "unknown field"});
    }
  }
}

std::string Decoder::Dump() const { return YAML::Dump(node_); }

}  // namespace streamprobe
