// Typed zookeeper results -> metric families. Pure functions; the metric list
// with meanings is in docs/backends/zookeeper.md.
#pragma once

#include <span>

#include "core/metric_set.h"
#include "zookeeper/zookeeper_probe.h"

namespace streamprobe::zookeeper {

// Per member (label member="host:port"): up, mode, server info, stats source
// and whatever statistics the member gave.
void RenderMember(const MemberResult& result, MetricSet& out);

// The ensemble view over all configured members, in configuration order; a
// null entry is a member without a finished round (counted as not serving).
void RenderEnsemble(std::span<const MemberResult* const> members, MetricSet& out);

// The znodes target: Kafka's registry and the generic checks.
void RenderZnodes(const ZnodesResult& result, MetricSet& out);

// "0x" + lower-case hex, as ZooKeeper and Kafka print session ids.
std::string HexSessionId(long long id);

}  // namespace streamprobe::zookeeper
