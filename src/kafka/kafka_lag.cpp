#include "kafka/kafka_lag.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string>

namespace streamprobe::kafka {
namespace {

// Drops one interior sample (the first and the newest always stay): one inside
// a run of equal log-end offsets if any (TimeLagSeconds reads only the last
// sample of a run, so nothing is lost), else the one whose removal leaves the
// smallest gap relative to its age (see LagHistory).
template <typename Samples>
void DropDensestSample(Samples& q, double now_unix) {
  std::size_t drop = 1;
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i - 1].log_end == q[i].log_end && q[i].log_end == q[i + 1].log_end) {
      drop = i;
      break;
    }
    const double age = std::max(now_unix - q[i].unix, 1e-9);
    const double score = (q[i + 1].unix - q[i - 1].unix) / age;
    if (score < best) {
      best = score;
      drop = i;
    }
  }
  q.erase(q.begin() + static_cast<std::ptrdiff_t>(drop));
}

}  // namespace

void LagHistory::Record(const std::map<TopicPartition, std::int64_t>& log_end, double now_unix) {
  for (auto it = samples_.begin(); it != samples_.end();) {
    const bool unseen_too_long = now_unix - it->second.back().unix > kForgetUnseenAfterSeconds;
    it = unseen_too_long && !log_end.count(it->first) ? samples_.erase(it) : std::next(it);
  }
  for (const auto& [tp, offset] : log_end) {
    auto& q = samples_[tp];
    if (!q.empty() && q.back().log_end > offset) q.clear();  // truncated / recreated topic
    q.push_back({offset, now_unix});
    while (q.size() > kMaxSamples) DropDensestSample(q, now_unix);
  }
}

std::size_t LagHistory::samples(const TopicPartition& tp) const {
  auto it = samples_.find(tp);
  return it == samples_.end() ? 0 : it->second.size();
}

double LagHistory::TimeLagSeconds(const TopicPartition& tp, std::int64_t committed,
                                  double now_unix) const {
  auto it = samples_.find(tp);
  if (it == samples_.end() || it->second.empty()) return 0;
  const auto& q = it->second;
  if (committed >= q.back().log_end) return 0;
  // Newest sample at or below the committed offset; the next one is above it.
  for (std::size_t i = q.size() - 1; i-- > 0;) {
    if (q[i].log_end > committed) continue;
    const Sample& lo = q[i];
    const Sample& hi = q[i + 1];
    const double span = static_cast<double>(hi.log_end - lo.log_end);
    const double frac = span > 0 ? static_cast<double>(committed - lo.log_end) / span : 0;
    const double appended = lo.unix + frac * (hi.unix - lo.unix);
    return std::max(0.0, now_unix - appended);
  }
  return std::max(0.0, now_unix - q.front().unix);
}

std::vector<GroupLag> ComputeLag(const std::vector<GroupOffsets>& groups,
                                 const std::map<TopicPartition, std::int64_t>& log_end,
                                 const LagHistory& history, double now_unix) {
  std::vector<GroupLag> out;
  for (const auto& g : groups) {
    if (!g.ok) continue;
    GroupLag gl;
    gl.group = g.group;
    std::set<std::string> incomplete_topics;
    for (const auto& [tp, committed] : g.committed) {
      auto end = log_end.find(tp);
      if (end == log_end.end() || end->second < 0) {
        ++gl.partitions_without_log_end;
        incomplete_topics.insert(tp.topic);
        continue;
      }
      PartitionLag pl{tp, committed, end->second, std::max<std::int64_t>(0, end->second - committed),
                      history.TimeLagSeconds(tp, committed, now_unix)};
      gl.lag_by_topic[tp.topic] += pl.lag;
      double& topic_time = gl.time_lag_by_topic[tp.topic];
      topic_time = std::max(topic_time, pl.time_lag_seconds);
      gl.total_lag += pl.lag;
      gl.max_time_lag_seconds = std::max(gl.max_time_lag_seconds, pl.time_lag_seconds);
      gl.partitions.push_back(pl);
    }
    for (const std::string& topic : incomplete_topics) {
      gl.lag_by_topic.erase(topic);
      gl.time_lag_by_topic.erase(topic);
    }
    out.push_back(std::move(gl));
  }
  return out;
}

}  // namespace streamprobe::kafka
