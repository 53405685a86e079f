#!/usr/bin/env python3
"""/metrics under many concurrent scrapers: latency of one scraper alone, then of N
scrapers at once, each on its own keep-alive connection scraping every --interval
seconds (random phase), as N Prometheus servers or agents would; --interval 0 makes
them scrape back to back (a saturation test, not a realistic load).

streamprobe watches the Doris (3 FE, 3 BE), Flink and Schema Registry simulators every
second, so the body is a real exposition that changes every round (gzip on, as
Prometheus asks). Latency: request sent to last body byte. Prints p50/p90/p99/max,
errors and the ratio of the loaded p99 to the single scraper's p99.

With wrk installed (Debian's `wrk`), also the saturation case measured by a client that
is not itself the bottleneck: 1 connection, then --scrapers connections, back to back.

    STREAMPROBE_BIN=build/streamprobe /usr/bin/python3 bench/scrape_concurrency.py \\
        --scrapers 200 --seconds 60 --interval 1
"""
import argparse
import asyncio
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "harness"))
sys.path.insert(0, str(ROOT / "tests" / "sim"))

from harness.streamprobe import Streamprobe  # noqa: E402
from simctl import DorisSim, FlinkSim, SchemaRegistrySim  # noqa: E402

REQUEST = b"GET /metrics HTTP/1.1\r\nHost: streamprobe\r\nAccept-Encoding: gzip\r\n\r\n"


def config(doris, flink, registry, password_file):
    fe = ", ".join(f'"{u.removeprefix("http://")}"' for u in doris.fe_urls)
    be = ", ".join(f'"{u.removeprefix("http://")}"' for u in doris.be_urls)
    return f"""
defaults: {{interval: 1s, timeout: 900ms}}
clusters:
  - name: bench
    doris: {{fe: [{fe}], be: [{be}], basic_auth: {{user: root, password: {{file: {password_file}}}}}}}
    flink: {{jobmanager: {flink.url}}}
    schema_registry: {{urls: ["{registry.url}"]}}
"""


async def read_response(reader):
    """Reads one HTTP/1.1 response with Content-Length; returns the body size."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    await reader.readexactly(length)
    return length


async def scraper(host, port, until, interval, latencies, errors):
    """One keep-alive scraper; reconnects after an error."""
    await asyncio.sleep(random.uniform(0, interval))
    reader = writer = None
    next_at = time.monotonic()
    while time.monotonic() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            start = time.perf_counter()
            writer.write(REQUEST)
            await read_response(reader)
            latencies.append(time.perf_counter() - start)
        except (OSError, RuntimeError, asyncio.IncompleteReadError, StopIteration) as e:
            errors.append(type(e).__name__)
            if writer is not None:
                writer.close()
            writer = None
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    if writer is not None:
        writer.close()


async def load(host, port, scrapers, seconds, interval):
    latencies, errors = [], []
    until = time.monotonic() + seconds
    await asyncio.gather(*(scraper(host, port, until, interval, latencies, errors) for _ in range(scrapers)))
    return latencies, errors


def summary(name, latencies, errors):
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    row = {"scrapes": len(ms), "errors": len(errors), "p50": statistics.median(ms),
           "p90": q[89], "p99": q[98], "max": ms[-1]}
    print_row(name, row)
    return row


def wrk(url, connections, seconds):
    """wrk's latency percentiles (ms), request count and errors, back to back."""
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds:.0f}s", "--latency",
                          "-H", "Accept-Encoding: gzip", url], capture_output=True, text=True, timeout=seconds + 60).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * unit[m.group(2)]
    requests_done = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(m.group(1)) if m else 0
    maximum = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", out)
    return {"scrapes": requests_done, "errors": errors, "p50": pct(50), "p90": pct(90), "p99": pct(99),
            "max": float(maximum.group(1)) * unit[maximum.group(2)]}


def print_row(name, row):
    print(f"| {name} | {row['scrapes']} | {row['errors']} | {row['p50']:.3f} | {row['p90']:.3f} | "
          f"{row['p99']:.3f} | {row['max']:.3f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scrapers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between a scraper's scrapes")
    parser.add_argument("--single", type=int, default=2000, help="scrapes of the single scraper")
    args = parser.parse_args()

    with SchemaRegistrySim() as registry, DorisSim(fe=3, be=3) as doris, FlinkSim() as flink:
        password = ROOT / "build" / "bench-doris-password"
        password.parent.mkdir(exist_ok=True)
        password.write_text("")
        sp = Streamprobe(config(doris, flink, registry, password))
        try:
            sp.wait_rounds("doris", rounds=2)
            body = len(sp.get("/metrics", headers={"Accept-Encoding": "identity"}).content)
            print(f"body {body} bytes uncompressed; {args.scrapers} scrapers, interval {args.interval} s, "
                  f"{args.seconds:.0f} s\n")
            print("| phase | scrapes | errors | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|")
            single = summary("1 scraper, back to back", *asyncio.run(
                load(sp.host, sp.port, 1, args.single * 0.002, 0.002)))
            loaded = summary(f"{args.scrapers} scrapers", *asyncio.run(
                load(sp.host, sp.port, args.scrapers, args.seconds, args.interval)))
            print(f"\np99 ratio loaded/single: {loaded['p99'] / single['p99']:.1f}")
            if shutil.which("wrk"):
                print("\n| wrk, back to back | requests | errors | p50 ms | p90 ms | p99 ms | max ms |\n"
                      "|---|---|---|---|---|---|---|")
                alone = wrk(sp.url + "/metrics", 1, min(args.seconds, 20))
                print_row("1 connection", alone)
                many = wrk(sp.url + "/metrics", args.scrapers, args.seconds)
                print_row(f"{args.scrapers} connections", many)
                print(f"\np99 ratio {args.scrapers}/1 (wrk, saturated): {many['p99'] / alone['p99']:.1f}; "
                      f"throughput {many['scrapes'] / args.seconds:.0f} scrapes/s")
        finally:
            sp.stop()


if __name__ == "__main__":
    main()
