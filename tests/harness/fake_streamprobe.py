#!/usr/bin/env python3
"""A stand-in for the streamprobe binary, used only to self-test harness/streamprobe.py.

Implements the contract: ``--config.file=F --web.listen-address=H:P`` (and accepts
``--web.enable-lifecycle``); serves
``/metrics`` with ``fake_config_reloads_total`` and ``fake_config_info{text=<first line of F>}``,
``/readyz`` (200), ``POST /-/reload`` and SIGHUP (re-read F).
"""
import http.server
import signal
import sys

args = dict(a.lstrip("-").partition("=")[::2] for a in sys.argv[1:])
config_file = args["config.file"]
host, port = args["web.listen-address"].rsplit(":", 1)
state = {"reloads": 0, "first_line": ""}


def load():
    with open(config_file) as f:
        state["first_line"] = (f.readline().strip() or "empty").replace('"', "'")


def reload(*_):
    load()
    state["reloads"] += 1


class Handler(http.server.BaseHTTPRequestHandler):
    def _send(self, code, body, ctype="text/plain; version=0.0.4"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/readyz":
            self._send(200, "ok\n")
        elif self.path == "/metrics":
            self._send(200, "# HELP fake_config_reloads_total Reloads.\n# TYPE fake_config_reloads_total counter\n"
                            f"fake_config_reloads_total {state['reloads']}\n"
                            "# HELP fake_config_info Config.\n# TYPE fake_config_info gauge\n"
                            f'fake_config_info{{text="{state["first_line"]}"}} 1\n')
        else:
            self._send(404, "not found\n")

    def do_POST(self):
        if self.path == "/-/reload":
            reload()
            self._send(200, "reloaded\n")
        else:
            self._send(404, "not found\n")

    def log_message(self, *a):
        pass


load()
signal.signal(signal.SIGHUP, reload)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
http.server.HTTPServer((host, int(port)), Handler).serve_forever()
