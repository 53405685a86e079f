#include "core/exposition.h"

#include <map>
#include <sstream>
#include <string_view>

#include <prometheus/text_serializer.h>

#include "core/metric_set.h"

namespace streamprobe {
namespace {

std::string Serialize(const prometheus::MetricFamily& family) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, {family});
  return out.str();
}

}  // namespace

std::shared_ptr<const FamilyTexts> RenderFamilyTexts(std::vector<prometheus::MetricFamily> families) {
  auto texts = std::make_shared<FamilyTexts>();
  for (prometheus::MetricFamily& family : MergeFamilies(std::move(families))) {
    prometheus::MetricFamily head_only;
    head_only.name = family.name;
    head_only.help = family.help;
    head_only.type = family.type;
    std::string header = Serialize(head_only);
    std::string samples = Serialize(family);
    samples.erase(0, header.size());  // in place: no second copy of a large family
    family.metric.clear();
    family.metric.shrink_to_fit();    // the samples are text now
    texts->push_back({std::move(family.name), std::move(header), std::move(samples)});
  }
  return texts;
}

void AppendComposed(std::span<const FamilyTexts* const> sources, std::string& out) {
  std::map<std::string_view, std::vector<const FamilyText*>> by_name;
  std::size_t bytes = 0;
  for (const FamilyTexts* source : sources) {
    if (source == nullptr) continue;
    for (const FamilyText& family : *source) {
      by_name[family.name].push_back(&family);
      bytes += family.header.size() + family.samples.size();
    }
  }
  out.reserve(out.size() + bytes);
  for (const auto& [name, pieces] : by_name) {
    out += pieces.front()->header;
    for (const FamilyText* piece : pieces) out += piece->samples;
  }
}

}  // namespace streamprobe
