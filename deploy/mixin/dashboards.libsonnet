// grafanaDashboards: the dashboards built by dashboards/generate.py (copied into
// generated/dashboards.json by deploy/generate.py), with tags, refresh and
// timezone from _config. Keys are file names, as Grafana mixins use.
local dashboards = import 'generated/dashboards.json';

{
  local cfg = $._config,

  grafanaDashboards+:: {
    [name]: dashboards[name] {
      tags: cfg.dashboardTags + [t for t in super.tags if !std.member(cfg.dashboardTags, t) && t != 'streamprobe'],
      refresh: cfg.dashboardRefresh,
      timezone: cfg.dashboardTimezone,
    }
    for name in std.objectFields(dashboards)
  },
}
