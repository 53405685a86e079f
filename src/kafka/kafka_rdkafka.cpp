// The production KafkaClient over librdkafka 2.0.2 (PROTOCOLS.md §7).
#include <algorithm>
#include <cstdlib>
#include <deque>

#include "kafka/kafka_client.h"
#include "kafka/kafka_offsets_reader.h"
#include "kafka/kafka_parse.h"
#include "kafka/kafka_rdkafka_handle.h"

namespace streamprobe::kafka {
namespace {

// Consumer-group offset lookups in flight at once (one group per request in 2.0.2).
constexpr std::size_t kOffsetFetchWindow = 64;
// Topics per DescribeConfigs request.
constexpr std::size_t kConfigBatch = 500;
// librdkafka-side timeout of coordinator-routed admin requests (DescribeConsumerGroups,
// ListConsumerGroupOffsets), deliberately longer than a round: in 2.0.2 such a request
// that times out before its coordinator is known again can make librdkafka abort
// (use after free in rd_kafka_admin_coord_request). The probe stops waiting at its own
// deadline; a late result lands in a destroyed queue and is dropped.
constexpr int kCoordinatorRequestTimeoutMs = 60000;

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using Options = std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter>;

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

Options AdminOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op, int request_timeout_ms) {
  Options o(rd_kafka_AdminOptions_new(rk, op));
  char errstr[256];
  rd_kafka_AdminOptions_set_request_timeout(o.get(), request_timeout_ms, errstr, sizeof(errstr));
  return o;
}

// Waits for the next result event on `q`; null on deadline.
Event Await(rd_kafka_queue_t* q, Deadline deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_event_t* e = rd_kafka_queue_poll(q, std::min(RemainingMs(deadline), 200));
    if (e != nullptr) return Event(e);
  }
  return nullptr;
}

// Delivery report of one canary message. Heap-held and shared with the
// librdkafka message opaque, so a report arriving after the round is harmless.
struct Delivery {
  bool done = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::int64_t offset = -1;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  auto* holder = static_cast<std::shared_ptr<Delivery>*>(msg->_private);
  if (holder == nullptr) return;
  (*holder)->done = true;
  (*holder)->err = msg->err;
  (*holder)->offset = msg->offset;
  delete holder;
}

class RdKafkaClient : public KafkaClient {
 public:
  explicit RdKafkaClient(KafkaConfig config) : config_(std::move(config)) {}

  Result<ClusterMeta> Metadata(Deadline deadline) override {
    using R = Result<ClusterMeta>;
    Status st = Ensure(consumer_, RD_KAFKA_CONSUMER);
    if (!st.ok()) return R::Fail(st);
    rd_kafka_t* rk = consumer_->get();
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, RemainingMs(deadline));
    consumer_->Serve();
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Status failed = consumer_->errors().Classify(err, "metadata");
      if (++failed_rounds_ >= 3) {  // fresh connections and error state
        consumer_.reset();
        failed_rounds_ = 0;
      }
      return R::Fail(failed);
    }
    failed_rounds_ = 0;
    consumer_->errors().Reset();
    char* id = rd_kafka_clusterid(rk, RemainingMs(deadline));
    std::string cluster_id = id ? id : "";
    if (id) rd_kafka_mem_free(rk, id);
    int controller = rd_kafka_controllerid(rk, RemainingMs(deadline));
    ClusterMeta meta = ConvertMetadata(*md, std::move(cluster_id), controller);
    rd_kafka_metadata_destroy(md);
    return R::Of(std::move(meta));
  }

  Result<std::map<std::string, int>> MinInsyncReplicas(const std::vector<std::string>& topics,
                                                       Deadline deadline) override {
    using R = Result<std::map<std::string, int>>;
    if (!consumer_) return R::Fail(Reason::kOther, "no client");
    std::map<std::string, int> out;
    for (std::size_t i = 0; i < topics.size(); i += kConfigBatch) {
      const std::size_t n = std::min(kConfigBatch, topics.size() - i);
      Status st = DescribeTopicConfigs({topics.begin() + i, topics.begin() + i + n}, deadline, out);
      if (!st.ok()) return R::Fail(st);
    }
    return R::Of(std::move(out));
  }

  Result<std::vector<GroupInfo>> ListGroups(Deadline deadline) override {
    using R = Result<std::vector<GroupInfo>>;
    if (!consumer_) return R::Fail(Reason::kOther, "no client");
    rd_kafka_t* rk = consumer_->get();
    // A dead broker makes the fan-out wait for the request timeout: use a third of
    // the round so the answers of the live brokers still arrive in time.
    const Deadline list_deadline =
        std::chrono::steady_clock::now() + (deadline - std::chrono::steady_clock::now()) / 3;
    Queue q(rd_kafka_queue_new(rk));
    auto opts = AdminOptions(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, RemainingMs(list_deadline));
    rd_kafka_ListConsumerGroups(rk, opts.get(), q.get());
    Event ev = Await(q.get(), std::min(deadline, list_deadline + std::chrono::milliseconds(200)));
    if (!ev) return R::Fail(Reason::kTimeout, "ListConsumerGroups: no answer by the deadline");
    if (rd_kafka_event_error(ev.get())) {
      return R::Fail(Reason::kOther,
                     std::string("ListConsumerGroups: ") + rd_kafka_event_error_string(ev.get()));
    }
    const auto* res = rd_kafka_event_ListConsumerGroups_result(ev.get());
    size_t valid = 0, errors = 0;
    const auto** listings = rd_kafka_ListConsumerGroups_result_valid(res, &valid);
    rd_kafka_ListConsumerGroups_result_errors(res, &errors);
    if (valid == 0 && errors > 0) return R::Fail(Reason::kOther, "ListConsumerGroups: every broker failed");
    std::vector<GroupInfo> out;
    for (size_t i = 0; i < valid; ++i) {
      out.push_back({rd_kafka_ConsumerGroupListing_group_id(listings[i]),
                     GroupStateName(rd_kafka_ConsumerGroupListing_state(listings[i])), -1,
                     rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listings[i]) != 0});
    }
    return R::Of(std::move(out));
  }

  std::map<std::string, GroupInfo> DescribeGroups(const std::vector<std::string>& ids,
                                                  Deadline deadline) override {
    std::map<std::string, GroupInfo> out;
    if (!consumer_ || ids.empty()) return out;
    rd_kafka_t* rk = consumer_->get();
    std::vector<const char*> names;
    for (const auto& id : ids) names.push_back(id.c_str());
    Queue q(rd_kafka_queue_new(rk));
    auto opts = AdminOptions(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, kCoordinatorRequestTimeoutMs);
    rd_kafka_DescribeConsumerGroups(rk, names.data(), names.size(), opts.get(), q.get());
    Event ev = Await(q.get(), deadline);
    if (!ev || rd_kafka_event_error(ev.get())) return out;
    size_t n = 0;
    const auto** groups = rd_kafka_DescribeConsumerGroups_result_groups(
        rd_kafka_event_DescribeConsumerGroups_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
      if (rd_kafka_ConsumerGroupDescription_error(groups[i]) != nullptr) continue;
      GroupInfo g{rd_kafka_ConsumerGroupDescription_group_id(groups[i]),
                  GroupStateName(rd_kafka_ConsumerGroupDescription_state(groups[i])),
                  static_cast<int>(rd_kafka_ConsumerGroupDescription_member_count(groups[i])),
                  rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(groups[i]) != 0};
      out[g.id] = g;
    }
    return out;
  }

  std::vector<GroupOffsets> CommittedOffsets(const std::vector<std::string>& ids,
                                             Deadline deadline) override {
    if (config_.groups.offsets_source == OffsetsSource::kOffsetsTopic) {
      return OffsetsFromTopic(ids, deadline);
    }
    std::map<std::string, GroupOffsets> got;
    if (consumer_) {
      rd_kafka_t* rk = consumer_->get();
      Queue q(rd_kafka_queue_new(rk));
      std::size_t next = 0, in_flight = 0;
      while ((next < ids.size() || in_flight > 0) && std::chrono::steady_clock::now() < deadline) {
        while (next < ids.size() && in_flight < kOffsetFetchWindow) {
          SendOffsetFetch(rk, ids[next++], q.get());
          ++in_flight;
        }
        Event ev = Await(q.get(), deadline);
        if (!ev) break;
        --in_flight;
        CollectOffsets(ev.get(), got);
      }
    }
    std::vector<GroupOffsets> out;
    for (const auto& id : ids) {
      auto it = got.find(id);
      out.push_back(it != got.end() ? it->second : GroupOffsets{id, false, {}});
    }
    return out;
  }

  std::map<TopicPartition, std::int64_t> LogEndOffsets(const std::vector<TopicPartition>& parts,
                                                       Deadline deadline) override {
    std::map<TopicPartition, std::int64_t> out;
    if (!consumer_ || parts.empty()) return out;
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(parts.size())));
    for (const auto& tp : parts) {
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
          RD_KAFKA_OFFSET_END;  // ListOffsets timestamp -1: the log end offset
    }
    rd_kafka_offsets_for_times(consumer_->get(), list.get(), RemainingMs(deadline));
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0) {
        out[{e.topic, e.partition}] = e.offset;
      }
    }
    return out;
  }

  CanaryResult Canary(const std::string& topic, int partition, Deadline deadline) override {
    CanaryResult r;
    if (!consumer_ || !Ensure(producer_, RD_KAFKA_PRODUCER).ok()) return r;
    const auto start = std::chrono::steady_clock::now();
    auto delivery = Produce(topic, partition, deadline);
    if (!delivery || delivery->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (producer_->Fatal()) producer_.reset();
      return r;
    }
    r.produced = true;
    if (!ReadBack(topic, partition, delivery->offset, deadline)) return r;
    r.consumed = true;
    r.round_trip_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  }

 private:
  Status Ensure(std::unique_ptr<RdHandle>& handle, rd_kafka_type_t type) {
    if (handle && handle->Fatal()) handle.reset();
    if (handle) return Status::Ok();
    auto created = RdHandle::Create(config_, type,
                                    type == RD_KAFKA_PRODUCER ? OnDelivery : nullptr);
    if (!created.ok()) return created.status;
    handle = std::move(created.value);
    return Status::Ok();
  }

  Status DescribeTopicConfigs(const std::vector<std::string>& topics, Deadline deadline,
                              std::map<std::string, int>& out) {
    rd_kafka_t* rk = consumer_->get();
    std::vector<rd_kafka_ConfigResource_t*> resources;
    for (const auto& t : topics) {
      resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str()));
    }
    Queue q(rd_kafka_queue_new(rk));
    auto opts = AdminOptions(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, RemainingMs(deadline));
    rd_kafka_DescribeConfigs(rk, resources.data(), resources.size(), opts.get(), q.get());
    rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
    Event ev = Await(q.get(), deadline);
    if (!ev) return Status::Fail(Reason::kTimeout, "DescribeConfigs: no answer by the deadline");
    if (rd_kafka_event_error(ev.get())) {
      return Status::Fail(Reason::kOther,
                          std::string("DescribeConfigs: ") + rd_kafka_event_error_string(ev.get()));
    }
    size_t n = 0;
    const auto** res = rd_kafka_DescribeConfigs_result_resources(
        rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
      if (rd_kafka_ConfigResource_error(res[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      size_t cnt = 0;
      const auto** entries = rd_kafka_ConfigResource_configs(res[i], &cnt);
      for (size_t j = 0; j < cnt; ++j) {
        const char* value = rd_kafka_ConfigEntry_value(entries[j]);
        if (std::string_view(rd_kafka_ConfigEntry_name(entries[j])) == "min.insync.replicas" &&
            value != nullptr) {
          out[rd_kafka_ConfigResource_name(res[i])] = std::atoi(value);
        }
      }
    }
    return Status::Ok();
  }

  // Every group is ok=false unless the reader caught up with the topic.
  std::vector<GroupOffsets> OffsetsFromTopic(const std::vector<std::string>& ids,
                                             Deadline deadline) {
    if (offsets_reader_ && offsets_reader_->Broken()) offsets_reader_.reset();
    if (!offsets_reader_) offsets_reader_ = std::make_unique<OffsetsTopicReader>(config_);
    const Status caught_up = offsets_reader_->CatchUp(deadline);
    std::vector<GroupOffsets> out = offsets_reader_->Offsets(ids);
    if (!caught_up.ok()) {
      for (auto& g : out) g = GroupOffsets{g.group, false, {}};
    }
    return out;
  }

  static void SendOffsetFetch(rd_kafka_t* rk, const std::string& group, rd_kafka_queue_t* q) {
    rd_kafka_ListConsumerGroupOffsets_t* req =
        rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
    auto opts = AdminOptions(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, kCoordinatorRequestTimeoutMs);
    rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, opts.get(), q);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
  }

  static void CollectOffsets(rd_kafka_event_t* ev, std::map<std::string, GroupOffsets>& got) {
    if (rd_kafka_event_error(ev)) return;
    size_t n = 0;
    const auto** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
    for (size_t i = 0; i < n; ++i) {
      GroupOffsets g{rd_kafka_group_result_name(groups[i]), true, {}};
      if (rd_kafka_group_result_error(groups[i]) != nullptr) g.ok = false;
      const auto* parts = rd_kafka_group_result_partitions(groups[i]);
      for (int p = 0; parts != nullptr && p < parts->cnt; ++p) {
        const auto& e = parts->elems[p];
        if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0) {
          g.committed[{e.topic, e.partition}] = e.offset;
        }
      }
      got[g.group] = std::move(g);
    }
  }

  std::shared_ptr<Delivery> Produce(const std::string& topic, int partition, Deadline deadline) {
    auto delivery = std::make_shared<Delivery>();
    auto* holder = new std::shared_ptr<Delivery>(delivery);
    const std::string payload = "streamprobe canary";
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_->get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(holder), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      delete holder;
      return nullptr;
    }
    while (!delivery->done && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_poll(producer_->get(), std::min(RemainingMs(deadline), 50));
    }
    return delivery->done ? delivery : nullptr;
  }

  bool ReadBack(const std::string& topic, int partition, std::int64_t offset, Deadline deadline) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(consumer_->get(), topic.c_str(), nullptr);
    if (rkt == nullptr) return false;
    bool found = false;
    if (rd_kafka_consume_start(rkt, partition, offset) == 0) {
      while (!found && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* msg = rd_kafka_consume(rkt, partition, std::min(RemainingMs(deadline), 200));
        if (msg == nullptr) continue;
        found = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR && msg->offset == offset;
        rd_kafka_message_destroy(msg);
      }
      rd_kafka_consume_stop(rkt, partition);
    }
    rd_kafka_topic_destroy(rkt);
    return found;
  }

  KafkaConfig config_;
  std::unique_ptr<RdHandle> consumer_;  // metadata, admin, offsets, canary read-back
  std::unique_ptr<RdHandle> producer_;  // canary only, created on first use
  std::unique_ptr<OffsetsTopicReader> offsets_reader_;  // offsets_source: offsets_topic only
  int failed_rounds_ = 0;
};

}  // namespace

std::unique_ptr<KafkaClient> NewRdKafkaClient(const KafkaConfig& config) {
  return std::make_unique<RdKafkaClient>(config);
}

}  // namespace streamprobe::kafka
