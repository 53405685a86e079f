#!/usr/bin/env bash
# Installs what is missing, builds streamprobe, and runs the demo platform with
# streamprobe, Prometheus and Alertmanager watching it (scripts/demo.py; pass
# --incident to reproduce the deployment report's failures, --scenario NAME to break
# the healthy platform, --port N for another port; --help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"

scripts/install-deps.sh
scripts/fetch-jars.sh "$build_dir"
cmake -S . -B "$build_dir" -G Ninja >/dev/null
cmake --build "$build_dir" --target streamprobe -j "$(nproc)"
export STREAMPROBE_BIN="$PWD/$build_dir/streamprobe" STREAMPROBE_JARS="$PWD/$build_dir/jars"
exec /usr/bin/python3 scripts/demo.py "$@"
