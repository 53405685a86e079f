// Configuration of the streamprobe mixin. Override any field:
//   (import 'streamprobe-mixin/mixin.libsonnet') + { _config+:: { runbookURLPattern: '...' } }
{
  _config+:: {
    // How Prometheus finds streamprobe's own scrape target (StreamprobeDown:
    // up{<selector>} == 0). The shipped ServiceMonitor gives the job the
    // Service's name, `streamprobe`.
    streamprobeSelector: 'job="streamprobe"',

    // The platform's namespaces for the optional kube-state-metrics group
    // (rules/kubernetes.rules.yml): the one matcher its recording rule
    // streamprobe:kube_platform_namespace:info uses, e.g. 'namespace=~"data-platform|flink"'.
    platformNamespaceSelector: 'namespace=~"data-platform"',

    // runbook_url of every alert: std.format(runbookURLPattern, alertname).
    // Point it at your fork or an internal wiki that mirrors docs/runbooks/.
    runbookURLPattern: 'https://github.com/streamprobe/streamprobe/blob/main/docs/runbooks/%s.md',

    // Alert thresholds. The defaults are those of rules/*.rules.yml.
    thresholds: {
      kafkaConsumerGroupLagSeconds: 600,  // KafkaConsumerGroupLagHigh
      dorisBackendDiskUsedRatio: 0.85,  // DorisBackendDiskAlmostFull
      dorisJournalIdSpread: 10000,  // DorisFrontendJournalLagging
      flinkJobRestartsPer10m: 3,  // FlinkJobRestarting
      streamprobeSnapshotAgeSeconds: 180,  // StreamprobeSnapshotStale
      streamprobeRoundStalledSeconds: 300,  // StreamprobeTargetRoundsStalled
    },

    // Grafana dashboards.
    dashboardTags: ['streamprobe'],
    dashboardRefresh: '30s',
    dashboardTimezone: 'utc',
  },
}
