#include "kafka/kafka_offsets_reader.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/log.h"
#include "kafka/kafka_coordinator.h"

namespace streamprobe::kafka {
namespace {

// Messages taken from the queue per poll.
constexpr std::size_t kBatch = 1000;

// The reader's properties on top of the user's: partition EOF events tell
// where a partition ends even when its last offsets are transaction markers
// or compacted away.
KafkaConfig ReaderConfig(KafkaConfig config) {
  config.client["enable.partition.eof"] = "true";
  config.client["isolation.level"] = "read_committed";
  return config;
}

}  // namespace

OffsetsTopicReader::OffsetsTopicReader(const KafkaConfig& config)
    : config_(ReaderConfig(config)), made_at_(std::chrono::steady_clock::now()) {}

OffsetsTopicReader::~OffsetsTopicReader() { Stop(); }

void OffsetsTopicReader::Stop() {
  if (topic_ != nullptr) {
    for (std::size_t p = 0; p < next_.size(); ++p) {
      rd_kafka_consume_stop(topic_, static_cast<std::int32_t>(p));
    }
  }
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
  if (topic_ != nullptr) rd_kafka_topic_destroy(topic_);
  queue_ = nullptr;
  topic_ = nullptr;
  next_.clear();
}

bool OffsetsTopicReader::Broken() const { return handle_ && handle_->Fatal(); }

Status OffsetsTopicReader::Start(Deadline deadline) {
  if (!handle_) {
    auto created = RdHandle::Create(config_, RD_KAFKA_CONSUMER);
    if (!created.ok()) return created.status;
    handle_ = std::move(created.value);
  }
  rd_kafka_t* rk = handle_->get();
  if (topic_ == nullptr) {
    topic_ = rd_kafka_topic_new(rk, std::string(kOffsetsTopic).c_str(), nullptr);
  }
  if (topic_ == nullptr) return Status::Fail(Reason::kOther, "cannot open __consumer_offsets");
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, topic_, &md, RemainingMs(deadline));
  handle_->Serve();
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return handle_->errors().Classify(err, "__consumer_offsets metadata");
  }
  const rd_kafka_resp_err_t topic_err =
      md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  const int partitions = md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
  rd_kafka_metadata_destroy(md);
  if (topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return Status::Ok();  // never committed
  if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return handle_->errors().Classify(topic_err, "__consumer_offsets metadata");
  }
  if (partitions == 0) return Status::Fail(Reason::kOther, "__consumer_offsets has no partitions");
  queue_ = rd_kafka_queue_new(rk);
  for (int p = 0; p < partitions; ++p) {
    if (rd_kafka_consume_start_queue(topic_, p, RD_KAFKA_OFFSET_BEGINNING, queue_) != 0) {
      Stop();
      return Status::Fail(Reason::kOther, "cannot start reading __consumer_offsets");
    }
    next_.push_back(0);
  }
  return Status::Ok();
}

Result<std::vector<std::int64_t>> OffsetsTopicReader::EndOffsets(Deadline deadline) {
  using R = Result<std::vector<std::int64_t>>;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_.size()));
  for (std::size_t p = 0; p < next_.size(); ++p) {
    rd_kafka_topic_partition_list_add(list, std::string(kOffsetsTopic).c_str(),
                                      static_cast<std::int32_t>(p))
        ->offset = RD_KAFKA_OFFSET_END;
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(handle_->get(), list, RemainingMs(deadline));
  std::vector<std::int64_t> end(next_.size(), -1);
  for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) err = e.err;
    if (e.partition >= 0 && static_cast<std::size_t>(e.partition) < end.size()) {
      end[e.partition] = e.offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return R::Fail(handle_->errors().Classify(err, "__consumer_offsets end offsets"));
  }
  if (std::any_of(end.begin(), end.end(), [](std::int64_t o) { return o < 0; })) {
    return R::Fail(Reason::kOther, "__consumer_offsets end offsets incomplete");
  }
  return R::Of(std::move(end));
}

void OffsetsTopicReader::Poll(Deadline deadline) {
  std::array<rd_kafka_message_t*, kBatch> msgs{};
  const ssize_t n = rd_kafka_consume_batch_queue(queue_, std::min(RemainingMs(deadline), 200),
                                                 msgs.data(), msgs.size());
  for (ssize_t i = 0; i < n; ++i) {
    const rd_kafka_message_t* m = msgs[i];
    const bool known = m->partition >= 0 && static_cast<std::size_t>(m->partition) < next_.size();
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (known) next_[m->partition] = std::max(next_[m->partition], m->offset);
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      last_error_ = m->err;
    } else if (known) {
      const std::string_view key(static_cast<const char*>(m->key), m->key_len);
      std::optional<std::string_view> value;
      if (m->payload != nullptr) value.emplace(static_cast<const char*>(m->payload), m->len);
      if (m->key != nullptr) NoteUnparsed(table_.Apply(key, value));
      ++records_;
      next_[m->partition] = std::max(next_[m->partition], m->offset + 1);
    }
    rd_kafka_message_destroy(msgs[i]);
  }
  handle_->Serve();
}

bool OffsetsTopicReader::Reached(const std::vector<std::int64_t>& end) const {
  for (std::size_t p = 0; p < end.size(); ++p) {
    if (next_[p] < end[p]) return false;
  }
  return true;
}

Status OffsetsTopicReader::CatchUp(Deadline deadline) {
  if (queue_ == nullptr) {
    Status started = Start(deadline);
    if (!started.ok() || queue_ == nullptr) return started;
  }
  auto end = EndOffsets(deadline);
  if (!end.ok()) return end.status;
  last_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  while (!Reached(end.value)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      if (last_error_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return handle_->errors().Classify(last_error_, "reading __consumer_offsets");
      }
      return Status::Fail(Reason::kTimeout,
                          "__consumer_offsets not read to its end by the deadline");
    }
    Poll(deadline);
  }
  if (!reached_end_) LogReachedEnd();
  return Status::Ok();
}

void OffsetsTopicReader::NoteUnparsed(const Status& applied) {
  if (applied.ok()) return;
  if (unparsed_++ == 0) {
    LogWarn("__consumer_offsets record not understood; groups with such commits get no lag "
            "until a readable commit replaces it",
            {{"bootstrap", config_.BootstrapServers()}, {"detail", applied.detail()}});
  }
}

void OffsetsTopicReader::LogReachedEnd() {
  reached_end_ = true;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - made_at_).count();
  LogInfo("read __consumer_offsets to its end",
          {{"bootstrap", config_.BootstrapServers()},
           {"partitions", std::to_string(next_.size())},
           {"records", std::to_string(records_)},
           {"offsets", std::to_string(table_.size())},
           {"unparsed", std::to_string(unparsed_)},
           {"seconds", std::to_string(seconds)}});
}

std::vector<GroupOffsets> OffsetsTopicReader::Offsets(
    const std::vector<std::string>& groups) const {
  return table_.Offsets(groups);
}

}  // namespace streamprobe::kafka
