#include "core/metric_set.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <prometheus/text_serializer.h>

namespace streamprobe {

prometheus::MetricFamily& MetricSet::Family(std::string_view name, std::string_view help,
                                            prometheus::MetricType type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    prometheus::MetricFamily family;
    family.name = std::string(name);
    family.help = std::string(help) + help_suffix_;
    family.type = type;
    it = families_.emplace(family.name, std::move(family)).first;
  }
  return it->second;
}

void MetricSet::Gauge(std::string_view name, std::string_view help, Labels labels,
                      double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  Family(name, help, prometheus::MetricType::Gauge).metric.push_back(std::move(metric));
}

void MetricSet::Counter(std::string_view name, std::string_view help, Labels labels,
                        double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  Family(name, help, prometheus::MetricType::Counter).metric.push_back(std::move(metric));
}

void MetricSet::Info(std::string_view name, std::string_view help, Labels labels) {
  Gauge(name, help, std::move(labels), 1.0);
}

void MetricSet::StateSet(std::string_view name, std::string_view help, const Labels& labels,
                         std::string_view state_label, std::string_view current,
                         std::span<const std::string_view> states) {
  bool current_listed = false;
  for (std::string_view state : states) {
    Labels with_state = labels;
    with_state.push_back({std::string(state_label), std::string(state)});
    Gauge(name, help, std::move(with_state), state == current ? 1.0 : 0.0);
    current_listed = current_listed || state == current;
  }
  if (!current_listed && !current.empty()) {
    Labels with_state = labels;
    with_state.push_back({std::string(state_label), std::string(current)});
    Gauge(name, help, std::move(with_state), 1.0);
  }
}

void MetricSet::Histogram(std::string_view name, std::string_view help, Labels labels,
                          std::span<const double> bounds,
                          std::span<const std::uint64_t> bucket_counts, std::uint64_t count,
                          double sum) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = count;
  metric.histogram.sample_sum = sum;
  for (std::size_t i = 0; i < bounds.size() && i < bucket_counts.size(); ++i) {
    metric.histogram.bucket.push_back({bucket_counts[i], bounds[i]});
  }
  metric.histogram.bucket.push_back({count, std::numeric_limits<double>::infinity()});
  Family(name, help, prometheus::MetricType::Histogram).metric.push_back(std::move(metric));
}

void MetricSet::AddLabelToAll(const Label& label) {
  for (auto& [name, family] : families_) {
    for (auto& metric : family.metric) {
      metric.label.insert(metric.label.begin(), label);
    }
  }
}

void MetricSet::Merge(MetricSet&& other) {
  for (auto& [name, family] : other.families_) {
    auto it = families_.find(name);
    if (it == families_.end()) {
      families_.emplace(name, std::move(family));
      continue;
    }
    auto& metrics = it->second.metric;
    metrics.insert(metrics.end(), std::make_move_iterator(family.metric.begin()),
                   std::make_move_iterator(family.metric.end()));
  }
  other.families_.clear();
}

std::vector<prometheus::MetricFamily> MetricSet::Families() const {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (const auto& [name, family] : families_) out.push_back(family);
  return out;
}

std::vector<prometheus::MetricFamily> MetricSet::TakeFamilies() && {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (auto& [name, family] : families_) out.push_back(std::move(family));
  families_.clear();
  return out;
}

std::size_t MetricSet::SeriesCount() const {
  std::size_t n = 0;
  for (const auto& [name, family] : families_) n += family.metric.size();
  return n;
}

std::vector<prometheus::MetricFamily> MergeFamilies(std::vector<prometheus::MetricFamily> families) {
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<prometheus::MetricFamily> merged;
  for (auto& family : families) {
    if (!merged.empty() && merged.back().name == family.name) {
      auto& metrics = merged.back().metric;
      metrics.insert(metrics.end(), std::make_move_iterator(family.metric.begin()),
                     std::make_move_iterator(family.metric.end()));
    } else {
      merged.push_back(std::move(family));
    }
  }
  return merged;
}

std::string RenderText(std::vector<prometheus::MetricFamily> families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, MergeFamilies(std::move(families)));
  return out.str();
}

std::string LabelNumber(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace streamprobe
