// MetricSet: builds the metric families of one probe round or one view.
//
// Families are keyed by name; adding a sample to an existing family appends to
// it. Help texts of probe metrics get a fixed suffix saying the value is cached
// from the latest probe round, so every HELP line tells readers that /metrics
// never asks a backend. Not thread-safe; a MetricSet is built by one thread and
// then only read.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/metric_family.h>

namespace streamprobe {

using Label = prometheus::ClientMetric::Label;
using Labels = std::vector<Label>;

// Appended to the HELP text of every probe-produced family.
inline constexpr std::string_view kCachedHelpSuffix =
    " (cached: from the latest probe round, not fetched at scrape time)";

class MetricSet {
 public:
  void Gauge(std::string_view name, std::string_view help, Labels labels, double value);
  // `name` must end in _total.
  void Counter(std::string_view name, std::string_view help, Labels labels, double value);
  // A gauge of value 1 carrying text facts as labels; `name` must end in _info.
  void Info(std::string_view name, std::string_view help, Labels labels);
  // One series per state, labelled `state_label`=<state>, value 1 for `current`
  // and 0 for the others. `current` may be outside `states` (then it is added).
  void StateSet(std::string_view name, std::string_view help, const Labels& labels,
                std::string_view state_label, std::string_view current,
                std::span<const std::string_view> states);
  // Cumulative histogram: `bucket_counts[i]` counts observations <= `bounds[i]`;
  // the +Inf bucket equals `count`.
  void Histogram(std::string_view name, std::string_view help, Labels labels,
                 std::span<const double> bounds, std::span<const std::uint64_t> bucket_counts,
                 std::uint64_t count, double sum);

  // Adds `label` to every sample (used by the engine for the cluster label).
  void AddLabelToAll(const Label& label);
  // Moves every family of `other` into this set.
  void Merge(MetricSet&& other);
  // Families in name order.
  std::vector<prometheus::MetricFamily> Families() const;
  // The same, moved out: the set is empty afterwards (no copy of the samples).
  std::vector<prometheus::MetricFamily> TakeFamilies() &&;
  bool empty() const { return families_.empty(); }
  // Number of samples (series) over all families.
  std::size_t SeriesCount() const;

  // Without the cached suffix: for the engine's own metrics about itself.
  void SetHelpSuffix(std::string_view suffix) { help_suffix_ = suffix; }

 private:
  prometheus::MetricFamily& Family(std::string_view name, std::string_view help,
                                   prometheus::MetricType type);
  std::map<std::string, prometheus::MetricFamily, std::less<>> families_;
  std::string help_suffix_{kCachedHelpSuffix};
};

// Sorts families by name and merges those with equal names (samples appended in
// order, first help/type kept).
std::vector<prometheus::MetricFamily> MergeFamilies(std::vector<prometheus::MetricFamily> families);

// Merges families with equal names (samples appended, first help/type kept) and
// renders them in the Prometheus text format.
std::string RenderText(std::vector<prometheus::MetricFamily> families);

// Formats a double for label values (integers without a decimal point).
std::string LabelNumber(double value);

}  // namespace streamprobe
