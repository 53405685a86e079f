// prometheusAlerts: the groups of every rules/*.rules.yml (copied into
// generated/rules.json by deploy/generate.py), with the selector, thresholds and
// runbook URL taken from _config.
local rules = import 'generated/rules.json';

// Replaces `from` by `to` in s, and fails the render when `from` is not found
// exactly once: a changed rule must not silently lose its configurable part.
local replaceOnce(what, s, from, to) =
  local n = std.length(std.findSubstr(from, s));
  assert n == 1 : '%s: expected "%s" once in "%s", found %d' % [what, from, s, n];
  std.strReplace(s, from, to);

{
  local cfg = $._config,
  local t = cfg.thresholds,

  // alertname -> [literal in the shipped expression, its configured form]
  local exprParams = {
    StreamprobeDown: ['job="streamprobe"', cfg.streamprobeSelector],
    KafkaConsumerGroupLagHigh: ['> 600', '> %g' % t.kafkaConsumerGroupLagSeconds],
    DorisBackendDiskAlmostFull: ['> 0.85', '> %g' % t.dorisBackendDiskUsedRatio],
    DorisFrontendJournalLagging: ['> 10000', '> %g' % t.dorisJournalIdSpread],
    FlinkJobRestarting: ['> 3', '> %g' % t.flinkJobRestartsPer10m],
    StreamprobeSnapshotStale: ['> 180', '> %g' % t.streamprobeSnapshotAgeSeconds],
    StreamprobeTargetRoundsStalled: ['> 300', '> %g' % t.streamprobeRoundStalledSeconds],
  },

  // record -> [literal in the shipped expression, its configured form]
  local recordParams = {
    'streamprobe:kube_platform_namespace:info': ['namespace=~"data-platform"', cfg.platformNamespaceSelector],
  },

  local configureRule(rule) =
    if !std.objectHas(rule, 'alert') then
      if std.objectHas(rule, 'record') && std.objectHas(recordParams, rule.record) then rule {
        expr: replaceOnce(rule.record, rule.expr, recordParams[rule.record][0], recordParams[rule.record][1]),
      } else rule
    else rule {
      [if std.objectHas(exprParams, rule.alert) then 'expr']:
        replaceOnce(rule.alert, rule.expr, exprParams[rule.alert][0], exprParams[rule.alert][1]),
      annotations+: {
        [if std.objectHas(rule.annotations, 'runbook_url') then 'runbook_url']:
          std.format(cfg.runbookURLPattern, rule.alert),
      },
    },

  prometheusAlerts+:: {
    groups+: [
      group { rules: [configureRule(r) for r in group.rules] }
      for file in std.objectFields(rules)
      for group in rules[file].groups
    ],
  },
}
