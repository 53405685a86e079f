// Plans the `schema_registry` section: one target per URL (name = the URL).
#pragma once

#include <memory>

#include "config/config.h"
#include "net/http_client.h"

namespace streamprobe {

void PlanSchemaRegistry(Decoder& section, const ClusterContext& cluster, Plan& plan);

// As PlanSchemaRegistry, with the HTTP client given (tests pass fakes).
void PlanSchemaRegistryWith(Decoder& section, const ClusterContext& cluster, Plan& plan,
                            std::shared_ptr<HttpClient> client);

}  // namespace streamprobe
