// Exposition text in pieces: each target, view and the engine render their
// families once; a page is composed from the pieces family by family, so every
// family has one HELP/TYPE header and all its samples together.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace streamprobe {

// One family of one source in the Prometheus text format.
struct FamilyText {
  std::string name;
  std::string header;   // "# HELP ...\n# TYPE ...\n"
  std::string samples;  // the sample lines
};

// The families of one source, sorted by name, names unique. Immutable once
// built; shared between snapshots through shared_ptr.
using FamilyTexts = std::vector<FamilyText>;

// Renders `families` (merged by name first).
std::shared_ptr<const FamilyTexts> RenderFamilyTexts(std::vector<prometheus::MetricFamily> families);

// Appends to `out`, in name order, each family once: the header of the first
// source (in `sources` order) that has it, then every source's samples of it in
// `sources` order. Null sources are skipped.
void AppendComposed(std::span<const FamilyTexts* const> sources, std::string& out);

}  // namespace streamprobe
