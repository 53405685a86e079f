// streamprobe monitoring mixin: prometheusAlerts, grafanaDashboards and _config,
// the shape kube-prometheus and other mixin users import.
(import 'config.libsonnet') +
(import 'alerts.libsonnet') +
(import 'dashboards.libsonnet')
