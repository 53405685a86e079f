"""A real Prometheus and Alertmanager in front of one streamprobe, and a webhook
receiver that keeps every notification, for alerting tests end to end.

``AlertStack(tmp, "127.0.0.1:port", for_divisor=None, on_notification=None)``: Prometheus (the shipped
``rules/*.rules.yml``, scrape and evaluation every 1 s, ``honor_labels`` like the shipped
ServiceMonitor) sending to an Alertmanager with the shipped
``deploy/alertmanager/alertmanager.yml``: routes and inhibitions as shipped, every
receiver URL pointed at one WebhookReceiver, ``group_wait``/``group_interval`` 1 s and
``repeat_interval`` 1 m.  ``Scenarios(stack)`` injects faults and asserts the exact set
of notifications (``expect``) and quiet (``wait_quiet``).  Only durations change, never expressions, labels or texts:
``for_divisor=None`` sets every ``for:`` to 2 s; ``for_divisor=N`` divides each shipped
``for:`` by N (shipped 1m -> 3s with N=20), keeping their ratios.  Needs the Debian
packages prometheus and prometheus-alertmanager (FileNotFoundError otherwise).
"""
import http.server
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request

from .ports import free_port
from .wait import wait_until

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def tool(name):
    path = shutil.which(name)
    if not path:
        raise FileNotFoundError(f"{name} not installed")
    return path


def get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read().decode())


def seconds(duration):
    """A Prometheus duration ("1m", "90s", "1h30m") in seconds."""
    parts = re.findall(r"(\d+)(ms|s|m|h|d)", duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a duration: {duration}")
    return sum(int(n) * _UNITS[u] for n, u in parts)


def scaled_rules(text, for_divisor):
    """The rules file with its `for:` durations shortened (see the module doc)."""
    def repl(m):
        if for_divisor is None:
            return m.group(1) + "2s"
        return m.group(1) + f"{max(1, round(seconds(m.group(2)) / for_divisor))}s"
    return re.sub(r"(?m)^(\s+for: )(\S+)$", repl, text)


class Server:
    """A process with its stderr in `log`, stopped by stop()."""

    def __init__(self, argv, log):
        self.log = log
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(log, "w"))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class WebhookReceiver:
    """Alertmanager's receivers all post here: every notification (the webhook JSON,
    version 4) is kept in arrival order, and passed to ``on_notification`` if given (on
    the server's thread). Thread-safe; stopped by stop()."""

    def __init__(self, on_notification=None):
        self._notifications = []
        self._on_notification = on_notification
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                notification = json.loads(body)
                with receiver._lock:
                    receiver._notifications.append(notification)
                if receiver._on_notification:
                    receiver._on_notification(notification)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def key(labels):
        """(alertname, subject): the broker id, connector[/task] or Flink job the alert is
        about (a consumer group's id for group alerts), else its target."""
        if labels.get("broker_id"):
            return labels["alertname"], labels["broker_id"]
        if labels.get("connector"):
            task = labels.get("task")
            return labels["alertname"], labels["connector"] + (f"/{task}" if task else "")
        return labels["alertname"], labels.get("flink_job") or labels.get("group") or labels.get("target", "")

    def mark(self):
        """A position in the notification stream, for firing(since=...)."""
        with self._lock:
            return len(self._notifications)

    def firing(self, cluster, since=0):
        """Keys (see key()) of every alert notified as firing for `cluster` (None: alerts
        without a cluster label) in the notifications from position `since` on."""
        with self._lock:
            posts = self._notifications[since:]
        return {self.key(a["labels"]) for post in posts for a in post["alerts"]
                if a["status"] == "firing" and a["labels"].get("cluster") == cluster}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class AlertStack:
    """See the module doc. Use as a context manager; as a dict it gives "am", "prom",
    "tmp", "webhook"."""

    def __init__(self, tmp, streamprobe_address, for_divisor=None, on_notification=None):
        self.tmp = tmp
        self.address = streamprobe_address
        self.for_divisor = for_divisor
        self.on_notification = on_notification

    def __enter__(self):
        tmp = self.tmp
        prometheus, alertmanager = tool("prometheus"), tool("prometheus-alertmanager")
        self.webhook = WebhookReceiver(self.on_notification)
        rules = tmp / "rules"
        rules.mkdir()
        for path in (ROOT / "rules").glob("*.rules.yml"):
            (rules / path.name).write_text(scaled_rules(path.read_text(), self.for_divisor))
        am_port, prom_port = free_port(), free_port()
        am_config = (ROOT / "deploy" / "alertmanager" / "alertmanager.yml").read_text()
        am_config = re.sub(r"url: http://\S+", f"url: {self.webhook.url}", am_config)
        am_config = re.sub(r"(?m)^(\s+group_(wait|interval): )\S+$", r"\g<1>1s", am_config)
        am_config = re.sub(r"(?m)^(\s+repeat_interval: )\S+$", r"\g<1>1m", am_config)
        (tmp / "alertmanager.yml").write_text(am_config)
        self.am = Server([alertmanager, f"--config.file={tmp / 'alertmanager.yml'}",
                          f"--storage.path={tmp / 'am-data'}",
                          f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="],
                         tmp / "alertmanager.log")
        (tmp / "prometheus.yml").write_text(f"""
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: ["{rules}/*.rules.yml"]
alerting:
  alertmanagers: [{{static_configs: [{{targets: ["127.0.0.1:{am_port}"]}}]}}]
scrape_configs:
  - job_name: streamprobe
    honor_labels: true
    static_configs: [{{targets: ["{self.address}"]}}]
""")
        self.prom = Server([prometheus, f"--config.file={tmp / 'prometheus.yml'}",
                            f"--storage.tsdb.path={tmp / 'prom-data'}",
                            f"--web.listen-address=127.0.0.1:{prom_port}"], tmp / "prometheus.log")
        self.am_url, self.prom_url = f"http://127.0.0.1:{am_port}", f"http://127.0.0.1:{prom_port}"
        try:
            wait_until(lambda: urllib.request.urlopen(f"{self.am_url}/-/ready", timeout=1), 60,
                       what="alertmanager ready")
            wait_until(lambda: urllib.request.urlopen(f"{self.prom_url}/-/ready", timeout=1), 60,
                       what="prometheus ready")
            wait_until(lambda: any(
                t["health"] == "up"
                for t in get_json(f"{self.prom_url}/api/v1/targets")["data"]["activeTargets"]), 60,
                what="first scrape")
        except BaseException:
            self.__exit__()
            raise
        return {"am": self.am_url, "prom": self.prom_url, "tmp": tmp, "webhook": self.webhook}

    def __exit__(self, *exc):
        self.prom.stop()
        self.am.stop()
        self.webhook.stop()


def am_alerts(stack, cluster):
    """Alerts Alertmanager holds for `cluster` (active, suppressed), as /api/v2/alerts."""
    return [a for a in get_json(f"{stack['am']}/api/v2/alerts")
            if a["labels"].get("cluster") == cluster]


def prom_value(stack, expr):
    """The first sample of an instant query, or None."""
    result = get_json(f"{stack['prom']}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    values = result["data"]["result"]
    return float(values[0]["value"][1]) if values else None


class Scenarios:
    """Scenario steps over an AlertStack (the dict its __enter__ returns): inject a fault,
    then assert the exact set of notifications for a cluster."""

    HOLD_S = 8  # after the wanted set arrived: several evaluation and group intervals

    def __init__(self, stack):
        self.stack, self.webhook = stack, stack["webhook"]

    def alerts(self, cluster):
        """{WebhookReceiver.key: "active"/"suppressed"} of what Alertmanager holds."""
        return {WebhookReceiver.key(a["labels"]): a["status"]["state"] for a in am_alerts(self.stack, cluster)}

    def wait_quiet(self, cluster, timeout=180):
        """No alert of `cluster` in Alertmanager (active or suppressed) for 3 s."""
        since = [None]

        def quiet():
            if self.alerts(cluster):
                since[0] = None
                return False
            since[0] = since[0] or time.monotonic()
            return time.monotonic() - since[0] >= 3
        wait_until(quiet, timeout, interval=0.5, what=f"cluster {cluster} quiet",
                   describe=lambda: f"alerts: {self.alerts(cluster)}")

    def expect(self, cluster, inject, want, timeout=90, suppressed=(), allowed=()):
        """Inject a fault; the receiver must get exactly `want` (keys) for `cluster`,
        and nothing more over HOLD_S except `allowed` (a race the scenario may or may
        not win); `suppressed` keys must exist in Alertmanager as suppressed."""
        mark = self.webhook.mark()
        inject()
        wait_until(lambda: want <= self.webhook.firing(cluster, mark), timeout, interval=0.5,
                   what=f"notifications {sorted(want)}",
                   describe=lambda: f"notified: {sorted(self.webhook.firing(cluster, mark))}; "
                                    f"alertmanager: {self.alerts(cluster)}")
        if suppressed:
            wait_until(lambda: all(self.alerts(cluster).get(k) == "suppressed" for k in suppressed),
                       30, interval=0.5, what=f"suppressed {sorted(suppressed)}",
                       describe=lambda: f"alertmanager: {self.alerts(cluster)}")
        end = time.monotonic() + self.HOLD_S
        while time.monotonic() < end:
            extra = self.webhook.firing(cluster, mark) - want - set(allowed)
            assert not extra, f"notified beyond {sorted(want)}: {sorted(extra)}"
            time.sleep(0.5)
        return mark
