// Results of targets in cluster "platform", published to a SnapshotStore: what
// the status table and `wait` conditions are composed from. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/snapshot.h"

namespace streamprobe::testing {

class PublishedTargets {
 public:
  // Adds a target's result (published by Current()); edit it through the reference.
  TargetResult& Add(const std::string& system, const std::string& name, std::string component,
                    ComponentRole role, Status status = Status::Ok()) {
    auto r = std::make_shared<TargetResult>();
    r->cluster = "platform";
    r->system = system;
    r->name = name;
    r->status = std::move(status);
    r->component = std::move(component);
    r->role = role;
    ids_.push_back("platform/" + system + "/" + name);
    results_.push_back(r);
    return *r;
  }

  // A snapshot with every result added so far.
  std::shared_ptr<const Snapshot> Current() {
    store_.Reset({}, ids_);
    for (std::size_t i = 0; i < ids_.size(); ++i) store_.Publish(ids_[i], results_[i]);
    return store_.Current();
  }

  TargetResult& operator[](std::size_t i) { return *results_[i]; }

 private:
  SnapshotStore store_;
  std::vector<std::string> ids_;
  std::vector<std::shared_ptr<TargetResult>> results_;
};

}  // namespace streamprobe::testing
