// The kubernetes round as metrics: bounded series for the configured
// workloads and their pods (reasons from fixed sets; images only in _info).
#pragma once

#include "core/metric_set.h"
#include "kubernetes/kubernetes_config.h"
#include "kubernetes/kubernetes_round.h"

namespace streamprobe::kubernetes {

void RenderKubernetes(const KubernetesConfig& config, const KubernetesRound& round, MetricSet& out);

}  // namespace streamprobe::kubernetes
