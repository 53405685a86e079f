"""Shared plumbing for the streamprobe test simulators (Doris, Flink, Schema Registry).

What this module provides, and the contract every simulator built on it keeps:

* Scenario switches: each simulator declares its switches as ``Switch`` rows.  The same
  table drives the command-line flags (``--delay-ms 500``, ``--dead-bes 1,2``), the
  ``--scenario '<json>'`` start-up option and the control API, so a switch has one name
  everywhere (flag spelling = key with ``_`` replaced by ``-``).
* One control port per simulator process (never faulted):
    GET  /-/scenario         -> the current scenario (every key)
    POST /-/scenario  {...}  -> merge the given keys, answer the new scenario
                                (unknown key or bad type: HTTP 400 {"error": "..."})
    POST /-/reset            -> back to the scenario the process was started with
    GET  /-/ports            -> the same JSON object printed on stdout at start
    GET  /-/health           -> {"ok": true}
* Fault switches shared by every simulator: ``delay_ms`` (answer after N ms),
  ``hang`` (accept, read the request, never answer until the switch is cleared — the
  request is then answered normally — or the server stops — the connection is then
  closed without an answer), ``html`` (an nginx-style HTML error page instead of JSON,
  HTTP status ``html_status``), limited to request paths starting with one of
  ``fault_paths`` when that list is not empty.  ``clock_ms`` (non-zero) freezes the
  simulator's notion of "now" (epoch milliseconds) for reproducible recordings.
* Every HTTP server is a ``ThreadingHTTPServer``: one thread per request, so a delayed
  or hung request never blocks another.  Servers bind to a loopback (127.x) address only,
  on port 0 (kernel-chosen) unless a port is given.  Once everything listens, the process
  prints ONE JSON line on stdout (e.g. ``{"fe":[p,...],"be":[...],"control":p}``) and
  nothing else on stdout afterwards.
* SIGTERM / SIGINT: stop every server (hung requests are released and their connections
  closed), exit status 0.
* Responses use HTTP/1.0 semantics (``Connection: close``), so a stopped server leaves no
  keep-alive connection that would keep answering.
"""

import argparse
import copy
import json
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

VERBOSE = False

# --------------------------------------------------------------------------------------
# Scenario switches
# --------------------------------------------------------------------------------------

SWITCH_KINDS = ("bool", "int", "float", "str", "int_list", "str_list", "json")


@dataclass(frozen=True)
class Switch:
    """One scenario key: its name, value kind, default, help text and allowed values."""

    name: str
    kind: str
    default: object
    help: str
    choices: tuple = ()

    @property
    def flag(self):
        return "--" + self.name.replace("_", "-")


FAULT_SWITCHES = [
    Switch("delay_ms", "int", 0, "answer every faulted request after this many ms"),
    Switch("hang", "bool", False,
           "accept faulted requests and never answer until cleared or the server stops"),
    Switch("html", "bool", False, "answer faulted requests with an nginx HTML error page"),
    Switch("html_status", "int", 502, "HTTP status of the HTML error page"),
    Switch("fault_paths", "str_list", [],
           "limit delay/hang/html to request paths starting with one of these (empty: all)"),
    Switch("clock_ms", "int", 0, "freeze 'now' at this epoch-ms value (0: real clock)"),
]


def _check_type(switch, value):
    """Return ``value`` if it has the switch's kind, else raise ValueError."""
    kind = switch.kind
    ok = {
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
        "int_list": lambda v: isinstance(v, list) and all(
            isinstance(x, int) and not isinstance(x, bool) for x in v),
        "str_list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "json": lambda v: True,
    }[kind](value)
    if not ok:
        raise ValueError(f"switch {switch.name!r} expects {kind}, got {value!r}")
    if switch.choices and value not in switch.choices:
        raise ValueError(f"switch {switch.name!r} must be one of {list(switch.choices)}, "
                         f"got {value!r}")
    return value


def parse_bool(text):
    """Parse a CLI boolean (``true/false/1/0/yes/no/on/off``)."""
    lowered = str(text).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"not a boolean: {text!r}")


def _split_list(text):
    return [part.strip() for part in text.split(",") if part.strip()]


CLI_PARSERS = {
    "bool": parse_bool,
    "int": int,
    "float": float,
    "str": str,
    "int_list": lambda text: [int(x) for x in _split_list(text)],
    "str_list": _split_list,
    "json": json.loads,
}


def add_switch_arguments(parser, switches):
    """Add one ``--flag`` per switch plus ``--scenario JSON`` to an argparse parser."""
    group = parser.add_argument_group("scenario switches (also settable via the control port)")
    group.add_argument("--scenario", type=json.loads, default={},
                       help="JSON object of switches applied first; explicit flags win")
    for switch in switches:
        kwargs = {"dest": "switch_" + switch.name, "default": None,
                  "metavar": switch.kind.upper(),
                  "type": CLI_PARSERS[switch.kind],
                  "help": f"{switch.help} (default: {json.dumps(switch.default)})"}
        if switch.kind == "bool":
            kwargs.update(nargs="?", const=True)
        if switch.choices:
            kwargs["help"] += f"; one of {', '.join(map(str, switch.choices))}"
        group.add_argument(switch.flag, **kwargs)


def scenario_from_args(args, switches):
    """Start-up scenario: ``--scenario`` JSON overlaid by the explicit flags."""
    scenario = dict(args.scenario or {})
    for switch in switches:
        value = getattr(args, "switch_" + switch.name)
        if value is not None:
            scenario[switch.name] = value
    return scenario


class ScenarioState:
    """Thread-safe current scenario; wakes waiters (hung requests) on every change."""

    def __init__(self, switches, initial=None, validator=None):
        self._switches = {s.name: s for s in switches}
        self._validator = validator or (lambda scenario: scenario)
        self._cond = threading.Condition()
        self._change_lock = threading.Lock()  # serialises update/reset + listeners
        self._listeners = []
        defaults = {s.name: copy.deepcopy(s.default) for s in switches}
        self._initial = self._checked(defaults, initial or {})
        self._current = copy.deepcopy(self._initial)

    def _checked(self, base, changes):
        if not isinstance(changes, dict):
            raise ValueError("a scenario must be a JSON object")
        merged = copy.deepcopy(base)
        for key, value in changes.items():
            if key not in self._switches:
                raise ValueError(f"unknown switch {key!r}; known: {sorted(self._switches)}")
            merged[key] = _check_type(self._switches[key], value)
        return self._validator(merged)

    def snapshot(self):
        with self._cond:
            return copy.deepcopy(self._current)

    def update(self, changes):
        with self._change_lock:
            return self._replace(self._checked(self.snapshot(), changes))

    def reset(self):
        with self._change_lock:
            return self._replace(copy.deepcopy(self._initial))

    def _replace(self, scenario):
        with self._cond:
            self._current = scenario
            self._cond.notify_all()
        for listener in self._listeners:
            listener(copy.deepcopy(scenario))
        return copy.deepcopy(scenario)

    def wait_for_change(self, timeout):
        with self._cond:
            self._cond.wait(timeout)

    def add_listener(self, listener):
        self._listeners.append(listener)


def now_ms(scenario):
    """Current time in epoch ms, or the frozen ``clock_ms`` when set."""
    return scenario.get("clock_ms") or int(time.time() * 1000)


# --------------------------------------------------------------------------------------
# Requests and responses
# --------------------------------------------------------------------------------------


@dataclass
class Request:
    """A parsed HTTP request as the simulators see it."""

    method: str
    path: str
    query: dict
    headers: object
    body: bytes

    def param(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    """A complete HTTP response: status, raw body bytes, content type, extra headers."""

    status: int
    body: bytes
    content_type: str
    headers: dict = field(default_factory=dict)


def json_bytes(obj):
    """Compact JSON, as Jackson writes it (no spaces)."""
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def json_response(obj, status=200, content_type="application/json", headers=None):
    return Response(status, json_bytes(obj), content_type, dict(headers or {}))


def raw_response(text, status=200, content_type="application/json"):
    """A body sent byte for byte (for shapes whose exact spacing matters)."""
    return Response(status, text.encode("utf-8"), content_type)


REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out", 200: "OK"}


def html_error_page(status):
    """An nginx-style error page, as a reverse proxy in front of the service returns it."""
    title = f"{status} {REASONS.get(status, 'Error')}"
    return ("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n"
            "<center><h1>" + title + "</h1></center>\r\n"
            "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")


def html_response(status):
    return raw_response(html_error_page(status), status, "text/html")


def fault_applies(scenario, path, node=None):
    """True when the fault switches target this request (node and path filters)."""
    nodes = scenario.get("fault_nodes") or []
    if nodes and node not in nodes:
        return False
    paths = scenario.get("fault_paths") or []
    return not paths or any(path.startswith(prefix) for prefix in paths)


# --------------------------------------------------------------------------------------
# HTTP servers
# --------------------------------------------------------------------------------------


class SimHTTPServer(ThreadingHTTPServer):
    """Threading HTTP server that knows its node name, its app and whether it is stopping."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app, node):
        self.app = app
        self.node = node
        self.stopping = threading.Event()
        super().__init__(address, SimHandler)

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away (e.g. it timed out on a hung request)
        super().handle_error(request, client_address)


class SimHandler(BaseHTTPRequestHandler):
    """Hands every request to ``server.app.handle(server, request)``; writes its Response.

    ``handle`` returning None means "drop the connection without an answer".
    """

    protocol_version = "HTTP/1.0"
    server_version = "streamprobe-sim"

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self, method):
        parts = urlsplit(self.path)
        request = Request(method, parts.path, parse_qs(parts.query, keep_blank_values=True),
                          self.headers, self._read_body())
        response = self.server.app.handle(self.server, request)
        if response is not None:
            self._write(response)

    def _write(self, response):
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Connection", "close")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, fmt, *args):
        if VERBOSE:
            sys.stderr.write(f"[{self.server.node}] {fmt % args}\n")


def check_loopback(host):
    """Refuse anything but a 127.x address: the simulators must never listen outside."""
    if not host.startswith("127."):
        raise ValueError(f"simulators bind to 127.x addresses only, not {host!r}")
    return host


class NodeServer:
    """One listening HTTP server that can be stopped and started again on the same port."""

    def __init__(self, node, host, port, app):
        self.node = node
        self.host = check_loopback(host)
        self.port = port
        self.app = app
        self._server = None
        self._thread = None

    @property
    def running(self):
        return self._server is not None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self):
        if self.running:
            return
        self._server = SimHTTPServer((self.host, self.port), self.app, self.node)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name=f"sim-{self.node}", daemon=True)
        self._thread.start()

    def stop(self):
        if not self.running:
            return
        server, self._server = self._server, None
        server.stopping.set()  # releases hung / delayed requests of this server
        server.shutdown()
        server.server_close()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------------------
# Simulator base, control API and process main
# --------------------------------------------------------------------------------------


class ControlApp:
    """The control port's request handler (never subject to fault switches)."""

    def __init__(self, simulator):
        self.sim = simulator

    def handle(self, server, request):
        route = (request.method, request.path)
        if route == ("GET", "/-/scenario"):
            return json_response(self.sim.state.snapshot())
        if route == ("POST", "/-/scenario"):
            return self._update(request.body)
        if route == ("POST", "/-/reset"):
            return json_response(self.sim.state.reset())
        if route == ("GET", "/-/ports"):
            return json_response(self.sim.ports())
        if route == ("GET", "/-/health"):
            return json_response({"ok": True})
        return json_response({"error": f"no control route {request.method} {request.path}"},
                             404)

    def _update(self, body):
        try:
            changes = json.loads(body.decode("utf-8") or "{}")
            return json_response(self.sim.state.update(changes))
        except ValueError as exc:  # JSONDecodeError is a ValueError too
            return json_response({"error": str(exc)}, 400)


class Simulator:
    """Base class: node servers + shared scenario + control port + fault handling.

    Subclasses set ``SWITCHES`` and implement ``create_nodes``, ``ports`` and ``route``.
    """

    SWITCHES = []

    def __init__(self, host="127.0.0.1", control_port=0, scenario=None):
        self.host = check_loopback(host)
        self.state = ScenarioState(self.SWITCHES, scenario, self.validate)
        self.nodes = {}
        self.control = NodeServer("control", host, control_port, ControlApp(self))

    # -- hooks for subclasses ----------------------------------------------------------
    def validate(self, scenario):
        """Check cross-key constraints; return the (possibly normalised) scenario."""
        return scenario

    def create_nodes(self):
        raise NotImplementedError

    def ports(self):
        raise NotImplementedError

    def route(self, node, request, scenario):
        raise NotImplementedError

    def on_scenario_change(self, scenario):
        """Called after every scenario change (e.g. to stop/start nodes)."""

    # -- lifecycle ---------------------------------------------------------------------
    def start(self):
        self.create_nodes()
        for server in self.nodes.values():
            server.start()  # every node gets its port, even one that starts "down"
        self.state.add_listener(self.on_scenario_change)
        self.on_scenario_change(self.state.snapshot())
        self.control.start()

    def stop(self):
        self.control.stop()
        for server in self.nodes.values():
            server.stop()

    # -- request handling --------------------------------------------------------------
    def handle(self, server, request):
        scenario = self.state.snapshot()
        if fault_applies(scenario, request.path, server.node):
            if not self._delay(server, scenario) or not self._wait_out_hang(server, request):
                return None  # the server is stopping: drop the connection
            scenario = self.state.snapshot()
            if scenario["html"] and fault_applies(scenario, request.path, server.node):
                return html_response(scenario["html_status"])
        return self.route(server.node, request, scenario)

    @staticmethod
    def _delay(server, scenario):
        delay = scenario["delay_ms"]
        return delay <= 0 or not server.stopping.wait(delay / 1000.0)

    def _wait_out_hang(self, server, request):
        while True:
            scenario = self.state.snapshot()
            if not (scenario["hang"] and fault_applies(scenario, request.path, server.node)):
                return True
            if server.stopping.is_set():
                return False
            self.state.wait_for_change(0.2)


def build_parser(description, switches):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1", help="127.x address to bind")
    parser.add_argument("--control-port", type=int, default=0, help="control port (0: any)")
    parser.add_argument("--verbose", action="store_true", help="log requests on stderr")
    add_switch_arguments(parser, switches)
    return parser


def run_simulator(make_simulator, parser, argv=None):
    """Parse args, start the simulator, print the ports line, serve until SIGTERM/SIGINT."""
    global VERBOSE
    args = parser.parse_args(argv)
    VERBOSE = args.verbose
    try:
        simulator = make_simulator(args)
    except ValueError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    simulator.start()
    sys.stdout.write(json.dumps(simulator.ports()) + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    simulator.stop()
    return 0
