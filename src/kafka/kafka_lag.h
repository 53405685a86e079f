// Consumer lag: offsets, and a time-lag estimate from log-end-offset history.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

// Log-end offsets (high watermarks) observed over past rounds, per partition.
// Kept in the probe object; memory is bounded by kMaxSamples per partition and
// by forgetting partitions not observed for kForgetUnseenAfterSeconds. A
// partition missing from some rounds (its log end unreadable during an outage,
// no group committed to it for a while) keeps its history, so a group behind
// since before the outage does not look freshly behind after it. A full history
// drops the sample whose loss leaves the smallest gap relative to its age, so
// samples thin out geometrically with age: the first observation is kept (the
// time lag is bounded by how long streamprobe has watched, not by
// kMaxSamples x interval) and recent lag stays precise. Not thread-safe.
class LagHistory {
 public:
  static constexpr std::size_t kMaxSamples = 64;
  // A day: longer than any outage whose backlog age still matters, short
  // enough that deleted topics and groups do not accumulate.
  static constexpr double kForgetUnseenAfterSeconds = 24 * 3600;

  // Records this round's log-end offsets at `now_unix` seconds and forgets
  // partitions whose newest sample is older than kForgetUnseenAfterSeconds.
  void Record(const std::map<TopicPartition, std::int64_t>& log_end, double now_unix);

  // Seconds since the message at `committed` was appended, estimated by
  // linear interpolation between the two recorded samples whose log-end
  // offsets bracket it. 0 when caught up; a lower bound (now - oldest sample)
  // when the consumer is behind every recorded sample; 0 if no history.
  double TimeLagSeconds(const TopicPartition& tp, std::int64_t committed, double now_unix) const;

  std::size_t partitions() const { return samples_.size(); }
  // Samples held for `tp` (at most kMaxSamples).
  std::size_t samples(const TopicPartition& tp) const;

 private:
  struct Sample {
    std::int64_t log_end;
    double unix;
  };
  std::map<TopicPartition, std::deque<Sample>> samples_;
};

// Lag per group, topic and partition: LAG = LOG-END-OFFSET - CURRENT-OFFSET,
// as `kafka-consumer-groups --describe` prints it (never negative).
// Partitions whose log end is unknown are counted, not guessed (see GroupLag).
std::vector<GroupLag> ComputeLag(const std::vector<GroupOffsets>& groups,
                                 const std::map<TopicPartition, std::int64_t>& log_end,
                                 const LagHistory& history, double now_unix);

}  // namespace streamprobe::kafka
