#include "config/decoder.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace streamprobe {

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

std::optional<Millis> ParseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  static const std::regex part("([0-9]+)(ms|s|m|h|d)");
  long long total = 0;
  std::size_t pos = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator();
       ++it) {
    if (static_cast<std::size_t>(it->position()) != pos) return std::nullopt;
    long long n = std::stoll((*it)[1]);
    const std::string unit = (*it)[2];
    long long factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000
                       : unit == "h" ? 3600000 : 86400000;
    total += n * factor;
    pos += it->length();
  }
  if (pos != text.size()) return std::nullopt;
  return Millis(total);
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
  auto parsed = v.IsScalar() ? ParseDuration(v.Scalar()) : std::nullopt;
  if (!parsed) {
    Error(key, "must be a duration such as 500ms, 15s, 2m or 1h");
    return fallback;
  }
  if (*parsed < min || *parsed > max) {
    Error(key, "must be between " + std::to_string(min.count()) + "ms and " +
                   std::to_string(max.count()) + "ms");
    return fallback;
  }
  return *parsed;
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
    const std::string name = entry.first.as<std::string>();
    if (!entry.second.IsScalar()) {
      Error(key + "." + name, "must be a string");
      continue;
    }
    out[name] = entry.second.Scalar();
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
    std::ifstream in(file);
    if (!in) {
      Error(key + ".file", "cannot read " + file);
      return secret;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    secret.value = buffer.str();
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
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    if (!read_keys_->count(key)) errors_->push_back({FieldPath(key), "unknown field"});
  }
}

std::string Decoder::Dump() const { return YAML::Dump(node_); }

}  // namespace streamprobe
