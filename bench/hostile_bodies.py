#!/usr/bin/env python3
"""Resident memory of streamprobe while Kafka Connect workers stream huge bodies.

Starts fake Kafka Connect workers on 127.0.0.1: --hostile of them answer every request
with a chunked body of --body-mb MB (64 KiB chunks, stopped as soon as the client goes
away); --healthy of them serve the recorded fixtures of tests/fixtures/kafka_connect/.
Runs the real streamprobe binary on them (one `hostile` and one `healthy` cluster,
--interval between rounds, default body cap of 4 MiB) for --minutes, samples VmRSS from
/proc/<pid>/status every second, and prints peak and median RSS. At the end it checks that
every hostile worker reports `bad_payload` and every healthy worker succeeds.

    STREAMPROBE_BIN=build/streamprobe /usr/bin/python3 bench/hostile_bodies.py --minutes 10
"""
import argparse
import http.server
import pathlib
import statistics
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))

from harness.streamprobe import Streamprobe  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "kafka_connect"
HEALTHY_ROUTES = {
    "/": "root__3.9.1.json",
    "/health": "health__healthy.json",
    "/connectors": "connectors_expand__running.json",
    "/connector-plugins": "connector_plugins__3.9.1.json",
}
CHUNK = b"x" * 65536


class HealthyWorker(http.server.BaseHTTPRequestHandler):
    """Serves the recorded fixtures by path (query strings ignored)."""
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        name = HEALTHY_ROUTES.get(self.path.split("?", 1)[0])
        body = (FIXTURES / name).read_bytes() if name else b'{"error_code":404,"message":"no"}'
        self.send_response(200 if name else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def hostile_worker(body_bytes):
    class HostileWorker(http.server.BaseHTTPRequestHandler):
        """Streams `body_bytes` of chunked JSON-looking bytes, without a length."""
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            head = b"%x\r\n" % len(CHUNK)
            try:
                for _ in range(body_bytes // len(CHUNK)):
                    self.wfile.write(head + CHUNK + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def log_message(self, *args):
            pass

    return HostileWorker


class QuietServer(http.server.ThreadingHTTPServer):
    """A client that drops the connection mid-body is the expected case, not an error."""
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def start_servers(handler, count):
    servers = []
    for _ in range(count):
        server = QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def urls(servers):
    return "[" + ", ".join(f"http://127.0.0.1:{s.server_address[1]}" for s in servers) + "]"


def rss_kib(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--hostile", type=int, default=10)
    parser.add_argument("--healthy", type=int, default=40)
    parser.add_argument("--body-mb", type=int, default=200)
    parser.add_argument("--interval", default="1s")
    args = parser.parse_args()

    hostile = start_servers(hostile_worker(args.body_mb * 1000 * 1000), args.hostile)
    healthy = start_servers(HealthyWorker, args.healthy)
    sp = Streamprobe(f"""
clusters:
  - name: hostile
    kafka_connect: {{interval: {args.interval}, timeout: {args.interval}, workers: {urls(hostile)}}}
  - name: healthy
    kafka_connect: {{interval: {args.interval}, timeout: {args.interval}, workers: {urls(healthy)}}}
""", timeout=60)
    samples = []
    end = time.monotonic() + args.minutes * 60
    while time.monotonic() < end:
        samples.append(rss_kib(sp.pid))
        time.sleep(1.0)
    scrape = sp.scrape()
    hwm = rss_kib(sp.pid, "VmHWM")
    sp.stop()

    def reasons(cluster, servers):
        return [scrape.reason("kafka_connect", f"http://127.0.0.1:{s.server_address[1]}", cluster=cluster)
                for s in servers]

    bad = reasons("hostile", hostile)
    good = reasons("healthy", healthy)
    rounds = scrape.value("streamprobe_probe_rounds_total", cluster="hostile", system="kafka_connect",
                          target=f"http://127.0.0.1:{hostile[0].server_address[1]}")
    print(f"{args.hostile} hostile workers ({args.body_mb} MB bodies), {args.healthy} healthy, "
          f"interval {args.interval}, {args.minutes:g} min, {len(samples)} RSS samples, "
          f"{int(rounds or 0)} rounds of the first hostile worker")
    print(f"RSS: peak {max(samples) / 1024:.1f} MiB (VmHWM {hwm / 1024:.1f} MiB), "
          f"median {statistics.median(samples) / 1024:.1f} MiB")
    print(f"hostile reasons: {sorted(set(bad))}; healthy reasons: {sorted(set(good))}")
    ok = all(r == "bad_payload" for r in bad) and all(r == "none" for r in good)
    print("checks: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
