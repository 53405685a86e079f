#!/usr/bin/python3
"""Scrape latency of /metrics with a healthy ZooKeeper ensemble and with one
member hung (SIGSTOP).

Starts a real 3-member ensemble and streamprobe (the harness from tests/), then
times N sequential scrapes per phase from connect to the last byte, and prints
p50/p90/p99/max in milliseconds. The hung member's probe blocks until its
deadline on every round; /metrics must not notice.

    STREAMPROBE_BIN=build/streamprobe STREAMPROBE_JARS=build/jars \
        /usr/bin/python3 bench/scrape_latency.py --scrapes 2000
"""
import argparse
import http.client
import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "harness"))

from harness.streamprobe import Streamprobe  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402


def scrape_once(host, port, path):
    start = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", path)
    body = conn.getresponse().read()
    conn.close()
    return (time.perf_counter() - start) * 1000.0, len(body)


def measure(host, port, n):
    samples, size = [], 0
    for _ in range(n):
        ms, size = scrape_once(host, port, "/metrics")
        samples.append(ms)
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    return {"n": n, "bytes": size, "p50": statistics.median(samples), "p90": pick(0.90),
            "p99": pick(0.99), "max": samples[-1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scrapes", type=int, default=2000)
    parser.add_argument("--interval", default="1s")
    parser.add_argument("--timeout", default="800ms")
    args = parser.parse_args()

    with ZooKeeperEnsemble(size=3, four_letter_whitelist="*") as zk:
        members = ", ".join(f"'{m.address}'" for m in zk.members)
        config = (f"clusters:\n  - name: bench\n    zookeeper:\n"
                  f"      interval: {args.interval}\n      timeout: {args.timeout}\n"
                  f"      members: [{members}]\n      kafka_chroot: /\n")
        sp = Streamprobe(config, binary=os.environ["STREAMPROBE_BIN"])
        try:
            host, port = sp.host, sp.port
            time.sleep(3)  # a few rounds
            healthy = measure(host, port, args.scrapes)
            hung = zk.followers()[0]
            hung.pause()
            try:
                sp.wait_for(lambda s: s.value("streamprobe_probe_failure_reason",
                                              system="zookeeper", target=hung.address,
                                              reason="timeout") == 1, timeout=30)
                paused = measure(host, port, args.scrapes)
            finally:
                hung.resume()
        finally:
            sp.stop()

    print(f"{'phase':<28}{'scrapes':>8}{'bytes':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, r in (("all members healthy", healthy), ("one member SIGSTOPped", paused)):
        print(f"{name:<28}{r['n']:>8}{r['bytes']:>8}{r['p50']:>9.3f}{r['p90']:>9.3f}"
              f"{r['p99']:>9.3f}{r['max']:>9.3f}")
    print(f"p99 ratio hung/healthy: {paused['p99'] / healthy['p99']:.2f}")


if __name__ == "__main__":
    main()
