// Plans the `kubernetes` section: one target, the API server (name = host:port).
#pragma once

#include <memory>

#include "config/config.h"
#include "net/http_client.h"

namespace streamprobe {

void PlanKubernetes(Decoder& section, const ClusterContext& cluster, Plan& plan);
void PlanKubernetesWith(Decoder& section, const ClusterContext& cluster, Plan& plan,
                        std::shared_ptr<HttpClient> client);

}  // namespace streamprobe
