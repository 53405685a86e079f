#include "schema_registry/schema_registry_metrics.h"

#include "schema_registry/schema_registry_parse.h"

namespace streamprobe {

void RenderRegistry(const RegistryObservation& obs, MetricSet& out) {
  const Labels registry = {{"registry", obs.url}};
  out.Gauge("streamprobe_schema_registry_up", "1 if GET / answered a JSON object", registry,
            obs.up ? 1 : 0);
  if (obs.mode) {
    out.StateSet("streamprobe_schema_registry_mode", "Global mode from GET /mode", registry, "mode",
                 *obs.mode, kRegistryModes);
  }
  if (obs.compatibility) {
    out.StateSet("streamprobe_schema_registry_compatibility",
                 "Global compatibility level from GET /config", registry, "level",
                 *obs.compatibility, kCompatibilityLevels);
  }
  if (obs.subjects) {
    out.Gauge("streamprobe_schema_registry_subjects", "Live subjects from GET /subjects", registry,
              static_cast<double>(*obs.subjects));
  }
  for (const RegistryEndpointError& e : obs.errors) {
    out.Info("streamprobe_schema_registry_error_info",
             "Endpoint that answered a Schema Registry error body, with its error_code (bounded set)",
             {{"registry", obs.url}, {"endpoint", e.endpoint}, {"error_code", std::string(e.error_code)}});
  }
}

}  // namespace streamprobe
