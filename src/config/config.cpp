#include "config/config.h"

#include <set>

#include "config/file_read.h"
#include "core/large_stack.h"

namespace streamprobe {
namespace {

constexpr Millis kMinInterval{100};
constexpr Millis kMaxInterval{24 * 3600 * 1000};
constexpr Millis kMinTimeout{50};
constexpr Millis kMaxTimeout{10 * 60 * 1000};

void CheckUniqueTargets(const Plan& plan, ErrorList& errors) {
  std::set<std::string> seen;
  for (const TargetSpec& target : plan.targets) {
    if (!seen.insert(target.Id()).second) {
      errors.push_back({"clusters", "target " + target.Id() + " is defined twice"});
    }
  }
}

// What a backend section's targets were planned from: the cluster, its
// inherited schedule, the section's YAML and the digests of its secrets.
std::string SectionFingerprint(const ClusterContext& cluster, const Decoder& section,
                               const std::string& secret_digests) {
  return cluster.name + "\n" + std::to_string(cluster.interval.count()) + "/" +
         std::to_string(cluster.timeout.count()) + "\n" + section.Dump() + "\n" +
         secret_digests;
}

}  // namespace

Schedule ReadSchedule(Decoder& section, const ClusterContext& cluster) {
  Schedule s;
  s.interval = section.Duration("interval", cluster.interval, kMinInterval, kMaxInterval);
  s.timeout = section.Duration("timeout", std::min(cluster.timeout, s.interval), kMinTimeout,
                               kMaxTimeout);
  if (s.timeout > s.interval) {
    section.Error("timeout", "must not exceed interval");
    s.timeout = s.interval;
  }
  return s;
}

namespace {

LoadedConfig LoadConfigTextUnguarded(const std::string& yaml_text,
                                     std::span<const Backend> backends) {
  LoadedConfig loaded;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    loaded.errors.push_back({"", std::string("not valid YAML: ") + e.what()});
    return loaded;
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  Decoder top(root, "", &loaded.errors);

  Decoder defaults = top.Child("defaults");
  ClusterContext base;
  base.interval = defaults.Duration("interval", base.interval, kMinInterval, kMaxInterval);
  base.timeout = defaults.Duration("timeout", base.timeout, kMinTimeout, kMaxTimeout);
  defaults.Finish();

  std::set<std::string> names;
  auto clusters = top.Sequence("clusters");
  if (!top.Has("clusters")) top.Error("clusters", "is required (a list of clusters)");
  for (Decoder& cluster : clusters) {
    ClusterContext context = base;
    context.name = cluster.RequiredString("name");
    if (!context.name.empty() && !names.insert(context.name).second) {
      cluster.Error("name", "duplicate cluster name " + context.name);
    }
    context.interval = cluster.Duration("interval", base.interval, kMinInterval, kMaxInterval);
    context.timeout = cluster.Duration("timeout", base.timeout, kMinTimeout, kMaxTimeout);
    for (const Backend& backend : backends) {
      if (!cluster.Has(std::string(backend.name))) continue;
      Decoder section = cluster.Child(std::string(backend.name));
      const std::size_t first_target = loaded.plan.targets.size();
      const std::size_t secrets_before = section.SecretDigests().size();
      backend.plan(section, context, loaded.plan);
      const std::string fingerprint = SectionFingerprint(
          context, section, section.SecretDigests().substr(secrets_before));
      for (std::size_t i = first_target; i < loaded.plan.targets.size(); ++i) {
        loaded.plan.targets[i].fingerprint = fingerprint;
      }
    }
    cluster.Finish();
  }
  top.Finish();
  CheckUniqueTargets(loaded.plan, loaded.errors);
  return loaded;
}

LoadedConfig Rejected(std::string message) {
  LoadedConfig loaded;
  loaded.errors.push_back({"", std::move(message)});
  return loaded;
}

}  // namespace

LoadedConfig LoadConfigText(const std::string& yaml_text, std::span<const Backend> backends) {
  if (yaml_text.size() > kMaxConfigBytes) {
    return Rejected("configuration is larger than " + std::to_string(kMaxConfigBytes) + " bytes");
  }
  // The decoder reports every error it knows as a field error; this is the
  // last line for anything it did not foresee (yaml-cpp, the standard
  // library, a backend's decoder): a rejected configuration, never a crash.
  // The YAML tree is built, read and freed on a thread with a known stack.
  LoadedConfig loaded;
  const Status ran = RunOnLargeStack([&] {
    try {
      loaded = LoadConfigTextUnguarded(yaml_text, backends);
    } catch (const std::exception& e) {
      loaded = Rejected(std::string("configuration could not be read: ") + e.what());
    } catch (...) {
      loaded = Rejected("configuration could not be read: unknown error");
    }
  });
  if (!ran.ok()) return Rejected("configuration could not be read: " + ran.detail());
  return loaded;
}

LoadedConfig LoadConfigFile(const std::string& path, std::span<const Backend> backends) {
  std::string text;
  const std::string error = ReadConfigFile(path, kMaxConfigBytes, &text);
  if (!error.empty()) return Rejected(error);
  return LoadConfigText(text, backends);
}

}  // namespace streamprobe
