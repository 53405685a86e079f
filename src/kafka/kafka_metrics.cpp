#include "kafka/kafka_metrics.h"

#include <algorithm>
#include <map>

#include "kafka/kafka_registration.h"

namespace streamprobe::kafka {
namespace {

constexpr std::string_view kGroupStates[] = {"stable",  "empty",
                                             "preparing_rebalance", "completing_rebalance",
                                             "dead",    "unknown"};

Labels Broker(int id) { return {{"broker_id", std::to_string(id)}}; }

void RenderCluster(const KafkaRound& r, MetricSet& m) {
  const auto& h = r.health;
  m.Info("streamprobe_kafka_cluster_info", "Kafka cluster id and how brokers register",
         {{"cluster_id", r.meta.cluster_id},
          {"mode", r.zookeeper_configured ? "zookeeper" : "kraft"}});
  m.Gauge("streamprobe_kafka_metadata_controller_id",
          "Controller id from a Metadata response; in KRaft mode a random live broker "
          "(KAFKA-17404), not the active controller; -1 if unknown",
          {}, r.meta.metadata_controller_id);
  m.Gauge("streamprobe_kafka_metadata_brokers", "Brokers listed in metadata", {},
          static_cast<double>(r.meta.brokers.size()));
  for (const auto& b : r.meta.brokers) {
    m.Info("streamprobe_kafka_broker_info", "A broker listed in metadata with its endpoint",
           {{"broker_id", std::to_string(b.id)}, {"host", b.host}, {"port", std::to_string(b.port)}});
  }
  m.Gauge("streamprobe_kafka_topics", "Topics in metadata", {}, h.topics);
  m.Gauge("streamprobe_kafka_partitions", "Partitions in metadata", {}, h.partitions);
  m.Gauge("streamprobe_kafka_partitions_offline", "Partitions without a leader or with an error",
          {}, h.offline);
  m.Gauge("streamprobe_kafka_partitions_under_replicated",
          "Partitions whose ISR is smaller than their replica set", {}, h.under_replicated);
  m.Gauge("streamprobe_kafka_partitions_under_min_isr",
          "Partitions whose ISR is smaller than min.insync.replicas (acks=all produce fails)",
          {}, h.under_min_isr);
  m.Gauge("streamprobe_kafka_partitions_at_min_isr",
          "Partitions whose ISR equals min.insync.replicas (one more loss blocks acks=all)", {},
          h.at_min_isr);
  m.Gauge("streamprobe_kafka_partitions_preferred_leader_imbalance",
          "Partitions led by a broker other than their preferred (first) replica", {},
          h.preferred_leader_imbalance);
  for (const auto& [id, n] : h.leaders_by_broker) {
    m.Gauge("streamprobe_kafka_broker_leader_partitions", "Partitions a broker leads", Broker(id), n);
  }
  for (const auto& [id, n] : h.replicas_by_broker) {
    m.Gauge("streamprobe_kafka_broker_replica_partitions", "Partition replicas a broker hosts",
            Broker(id), n);
  }
}

void RenderRegistration(const KafkaRound& r, MetricSet& m) {
  if (r.zookeeper_configured) {
    m.Gauge("streamprobe_kafka_zookeeper_registry_success",
            "1 if the broker registry was read from ZooKeeper this round", {},
            r.registry_ok ? 1 : 0);
  }
  std::map<std::string_view, int> by_state;
  for (auto s : kRegistrationStates) by_state[s] = 0;
  for (std::size_t i = 0; i < r.brokers.size(); ++i) {
    const BrokerFacts& b = r.brokers[i];
    const std::string_view state = RegistrationStateName(r.states[i]);
    ++by_state[state];
    m.StateSet("streamprobe_kafka_broker_registration_state",
               "Registration truth per broker id (expected x ZooKeeper x metadata x endpoint)",
               Broker(b.id), "state", state, kRegistrationStates);
    m.Gauge("streamprobe_kafka_broker_expected", "1 if the broker id is in expected_brokers.ids",
            Broker(b.id), b.expected ? 1 : 0);
    if (r.zookeeper_configured && r.registry_ok) {
      m.Gauge("streamprobe_kafka_broker_registered",
              "1 if /brokers/ids/<id> exists in ZooKeeper", Broker(b.id), b.registered ? 1 : 0);
    }
    if (r.metadata_ok) {
      m.Gauge("streamprobe_kafka_broker_in_metadata", "1 if the broker id is listed in metadata",
              Broker(b.id), b.metadata ? 1 : 0);
    }
    if (b.reachability != Reachability::kUnchecked) {
      m.Gauge("streamprobe_kafka_broker_reachable",
              "1 if the broker's registered (else advertised) endpoint answered ApiVersions",
              Broker(b.id), b.reachability == Reachability::kReachable ? 1 : 0);
    }
    if (b.registered) {
      m.Info("streamprobe_kafka_broker_registration_info",
             "Endpoint a broker id registered in ZooKeeper, with the host expected for it",
             {{"broker_id", std::to_string(b.id)}, {"listener", b.registered_listener},
              {"host", b.registered_host}, {"port", std::to_string(b.registered_port)},
              {"expected_host", b.expected_host}});
      if (b.registration_age_seconds >= 0) {
        m.Gauge("streamprobe_kafka_broker_registration_age_seconds",
                "Seconds since the broker registered in ZooKeeper (its timestamp field)",
                Broker(b.id), b.registration_age_seconds);
      }
      if (b.registration_ahead_seconds > 0) {
        m.Gauge("streamprobe_kafka_broker_registration_in_future_seconds",
                "How far in the future the broker's registration time lies (beyond 10 s of "
                "clock skew): a skewed clock or a forged znode; its age is then unknown",
                Broker(b.id), b.registration_ahead_seconds);
      }
    }
  }
  if (r.brokers.empty()) return;
  for (const auto& [state, n] : by_state) {
    m.Gauge("streamprobe_kafka_brokers_by_registration_state",
            "Broker ids per registration state", {{"state", std::string(state)}}, n);
  }
}

void RenderCanary(const KafkaRound& r, MetricSet& m) {
  if (!r.canary_configured) return;
  const auto& c = r.canary;
  m.Histogram("streamprobe_kafka_canary_round_trip_seconds",
              "Canary produce (acks=all) to read-back time, cumulative since start", {},
              CanaryStats::kBounds, c.buckets, c.count, c.sum);
  m.Counter("streamprobe_kafka_canary_produce_failures_total",
            "Canary messages not acknowledged by the deadline", {},
            static_cast<double>(c.produce_failures));
  m.Counter("streamprobe_kafka_canary_consume_failures_total",
            "Canary messages acknowledged but not read back by the deadline", {},
            static_cast<double>(c.consume_failures));
  m.Gauge("streamprobe_kafka_canary_success", "1 if this round's canary message made the round trip",
          {}, c.last_ok ? 1 : 0);
}

}  // namespace

namespace {

// Which optional levels of consumer-group series fit the budget this round.
struct GroupLevels {
  bool states = false, topics = false, partitions = false;
  std::size_t full = 0;  // series if every level were exported
};

// Members, then either the two group-lag series or the unknown-log-end flag.
std::size_t BaseCost(const GroupLag* lag) {
  if (lag == nullptr) return 1;
  return lag->complete() ? 3 : 2;
}

GroupLevels PlanLevels(const std::vector<GroupInfo>& groups,
                       const std::map<std::string, const GroupLag*>& lag_of,
                       const ConsumerGroupConfig& cfg) {
  std::size_t base = 0, states = 0, topics = 0, parts = 0;
  for (const auto& g : groups) {
    auto it = lag_of.find(g.id);
    const GroupLag* l = it != lag_of.end() ? it->second : nullptr;
    base += BaseCost(l);
    states += std::size(kGroupStates);
    if (l) {
      topics += 2 * l->lag_by_topic.size();
      if (cfg.per_partition) parts += l->partitions.size();
    }
  }
  const auto budget = static_cast<std::size_t>(cfg.series_budget);
  GroupLevels levels;
  levels.full = base + states + topics + parts;
  levels.partitions = cfg.per_partition && levels.full <= budget;
  levels.topics = base + states + topics <= budget;
  levels.states = base + states <= budget;
  return levels;
}

// Series of one group at the planned levels; returns how many were added.
std::size_t RenderGroup(const GroupInfo& g, const GroupLag* l, const GroupLevels& levels,
                        MetricSet& m) {
  const Labels group{{"group", g.id}};
  std::size_t added = BaseCost(l);
  m.Gauge("streamprobe_kafka_consumer_group_members", "Members of the group (-1: not described)",
          group, g.members);
  if (levels.states) {
    m.StateSet("streamprobe_kafka_consumer_group_state", "Consumer group state", group, "state",
               g.state, kGroupStates);
    added += std::size(kGroupStates);
  }
  if (!l) return added;
  if (l->complete()) {
    m.Gauge("streamprobe_kafka_consumer_group_lag",
            "Sum over partitions of log-end offset minus committed offset (messages)", group,
            static_cast<double>(l->total_lag));
    m.Gauge("streamprobe_kafka_consumer_group_lag_seconds",
            "Estimated age of the oldest unconsumed message over the group's partitions", group,
            l->max_time_lag_seconds);
  } else {
    m.Gauge("streamprobe_kafka_consumer_group_partitions_without_log_end",
            "Committed partitions whose log-end offset could not be read this round; while above "
            "0 the group's and those topics' lag series are absent (unknown, not 0)",
            group, l->partitions_without_log_end);
  }
  if (levels.topics) {
    for (const auto& [topic, lag] : l->lag_by_topic) {
      Labels t{{"group", g.id}, {"topic", topic}};
      m.Gauge("streamprobe_kafka_consumer_group_topic_lag",
              "Log-end offset minus committed offset summed over the topic's partitions", t,
              static_cast<double>(lag));
      m.Gauge("streamprobe_kafka_consumer_group_topic_lag_seconds",
              "Estimated age of the oldest unconsumed message in the topic", t,
              l->time_lag_by_topic.at(topic));
      added += 2;
    }
  }
  if (levels.partitions) {
    for (const auto& p : l->partitions) {
      m.Gauge("streamprobe_kafka_consumer_group_partition_lag",
              "Log-end offset minus committed offset of one partition (kafka-consumer-groups LAG)",
              {{"group", g.id}, {"topic", p.tp.topic}, {"partition", std::to_string(p.tp.partition)}},
              static_cast<double>(p.lag));
      ++added;
    }
  }
  return added;
}

void RenderGroupCounts(const KafkaRound& r, MetricSet& m) {
  std::map<std::string_view, int> by_state;
  for (auto s : kGroupStates) by_state[s] = 0;
  for (const auto& g : r.groups) ++by_state[g.state];
  for (const auto& [state, n] : by_state) {
    m.Gauge("streamprobe_kafka_consumer_groups", "Consumer groups (after allow/deny) per state",
            {{"state", std::string(state)}}, n);
  }
  m.Gauge("streamprobe_kafka_consumer_groups_coordinator_unavailable",
          "Groups not read this round: their coordinator partition is leaderless or its leader "
          "did not answer",
          {}, r.coordinator_unavailable);
  m.Gauge("streamprobe_kafka_consumer_groups_offsets_unreadable",
          "Groups whose committed offsets could not be read this round (OffsetFetch failed, or a "
          "__consumer_offsets commit not understood); their lag series are absent (unknown, not 0)",
          {}, r.offsets_unreadable);
}

}  // namespace

void RenderGroups(const KafkaRound& r, const ConsumerGroupConfig& cfg, MetricSet& m) {
  if (!r.groups_enabled) return;
  m.Gauge("streamprobe_kafka_consumer_groups_listed_success",
          "1 if consumer groups were listed this round", {}, r.groups_ok ? 1 : 0);
  if (!r.groups_ok) return;
  RenderGroupCounts(r, m);
  std::map<std::string, const GroupLag*> lag_of;
  for (const auto& l : r.lag) lag_of[l.group] = &l;
  auto lag = [&](const GroupInfo* g) -> const GroupLag* {
    auto it = lag_of.find(g->id);
    return it != lag_of.end() ? it->second : nullptr;
  };
  const GroupLevels levels = PlanLevels(r.groups, lag_of, cfg);

  // Whole groups, most lag first, while their group-level series fit.
  std::vector<const GroupInfo*> order;
  for (const auto& g : r.groups) order.push_back(&g);
  auto total = [&](const GroupInfo* g) { return lag(g) ? lag(g)->total_lag : -1; };
  std::stable_sort(order.begin(), order.end(),
                   [&](const GroupInfo* a, const GroupInfo* b) { return total(a) > total(b); });
  const auto budget = static_cast<std::size_t>(cfg.series_budget);
  std::size_t used = 0;
  for (const GroupInfo* g : order) {
    if (used + BaseCost(lag(g)) > budget) break;
    used += RenderGroup(*g, lag(g), levels, m);
  }
  m.Gauge("streamprobe_kafka_consumer_group_series_dropped",
          "Consumer-group series left out to stay within consumer_groups.series_budget", {},
          static_cast<double>(levels.full - std::min(levels.full, used)));
}

MetricSet RenderKafka(const KafkaRound& round, const ConsumerGroupConfig& groups) {
  MetricSet m;
  if (round.metadata_ok) RenderCluster(round, m);
  RenderRegistration(round, m);
  RenderGroups(round, groups, m);
  RenderCanary(round, m);
  return m;
}

void RenderClientHealth(const ClientHealth& health, const std::string& target, MetricSet& out) {
  const Labels labels = {{"target", target}};
  out.Counter("streamprobe_kafka_client_restarts_total",
              "Kafka client worker processes started after a crash, hang or bad frame", labels,
              static_cast<double>(health.restarts));
  out.Gauge("streamprobe_kafka_client_worker_up",
            "1 if the Kafka client worker process is running at the end of the round", labels,
            health.worker_up ? 1 : 0);
}

}  // namespace streamprobe::kafka
