#!/usr/bin/env bash
# Runs every test: installs what is missing, fetches the Kafka/ZooKeeper/Connect
# jars (cached under the build dir), builds with warnings as errors, and runs
# unit tests, simulator tests and the integration suites against real systems.
#   BUILD_DIR=build (default)   CTEST_ARGS="-L integration" to run a subset
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"

scripts/install-deps.sh
scripts/fetch-jars.sh "$build_dir"
cmake -S . -B "$build_dir" -G Ninja -DSTREAMPROBE_WERROR=ON >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
# Integration suites are RUN_SERIAL; unit tests run beside each other.
# shellcheck disable=SC2086
ctest --test-dir "$build_dir" --output-on-failure -j 2 ${CTEST_ARGS:-}
