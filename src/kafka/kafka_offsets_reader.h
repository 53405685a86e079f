// Committed offsets read from the internal __consumer_offsets topic instead of
// one OffsetFetch per group: a long-lived consumer without a group reads every
// partition of the topic from the beginning and keeps an OffsetsTable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_offsets_parse.h"
#include "kafka/kafka_rdkafka_handle.h"

namespace streamprobe::kafka {

// Not thread-safe: used by the one thread that serves the client's calls.
// Owns its own librdkafka consumer handle (read_committed, so offsets of
// aborted transactions never count).
class OffsetsTopicReader {
 public:
  explicit OffsetsTopicReader(const KafkaConfig& config);
  ~OffsetsTopicReader();
  OffsetsTopicReader(const OffsetsTopicReader&) = delete;
  OffsetsTopicReader& operator=(const OffsetsTopicReader&) = delete;

  // Reads every record up to the end offsets that the partitions have when
  // the call starts. Ok once the table reflects them (also when the topic does
  // not exist yet: nothing was ever committed); otherwise the reason, and
  // the next call goes on from where this one stopped. The first call after
  // start reads the whole topic.
  Status CatchUp(Deadline deadline);
  // The committed offsets of `groups` in the records read so far: complete
  // only right after CatchUp returned ok.
  std::vector<GroupOffsets> Offsets(const std::vector<std::string>& groups) const;
  // True after an unrecoverable librdkafka error: make a new reader.
  bool Broken() const;

 private:
  Status Start(Deadline deadline);
  Result<std::vector<std::int64_t>> EndOffsets(Deadline deadline);
  void Poll(Deadline deadline);
  bool Reached(const std::vector<std::int64_t>& end) const;
  void Stop();
  void LogReachedEnd();
  // Counts a record the table could not parse; the first one is logged.
  void NoteUnparsed(const Status& applied);

  KafkaConfig config_;
  std::unique_ptr<RdHandle> handle_;
  rd_kafka_topic_t* topic_ = nullptr;   // owned; destroyed before handle_
  rd_kafka_queue_t* queue_ = nullptr;   // owned; all partitions are consumed into it
  std::vector<std::int64_t> next_;      // per partition: the next offset to read
  rd_kafka_resp_err_t last_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;  // of a consumed message
  OffsetsTable table_;
  std::uint64_t records_ = 0;                       // records read since the reader was made
  std::uint64_t unparsed_ = 0;                      // of those, records the table could not parse
  std::chrono::steady_clock::time_point made_at_;   // for the first catch-up's log line
  bool reached_end_ = false;                        // the end was reached once (logged)
};

}  // namespace streamprobe::kafka
