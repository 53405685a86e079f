// Plans the `kafka_connect` section: one target per worker (name = its URL) and
// one `connectors` target per cluster.
#pragma once

#include <memory>

#include "config/config.h"
#include "net/http_client.h"

namespace streamprobe {

void PlanKafkaConnect(Decoder& section, const ClusterContext& cluster, Plan& plan);

// As PlanKafkaConnect, with the HTTP client given (tests pass fakes).
void PlanKafkaConnectWith(Decoder& section, const ClusterContext& cluster, Plan& plan,
                          std::shared_ptr<HttpClient> client);

}  // namespace streamprobe
