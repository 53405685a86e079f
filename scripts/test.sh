#!/usr/bin/env bash
# Runs every test: installs what is missing, fetches the Kafka/ZooKeeper/Connect
# jars and builds the deployment tools and a Kubernetes API server (all cached under
# the build dir), builds with warnings as errors, and runs
# unit tests, simulator tests and the integration suites against real systems.
# Then, in a second build dir with AddressSanitizer and UndefinedBehaviorSanitizer,
# the unit tests, the engine suite and the Flink suite again; and last each
# libFuzzer target of tests/fuzz for a short while (scripts/fuzz.sh).
#   BUILD_DIR=build (default)   CTEST_ARGS="-L integration" to run a subset
#   ASAN_BUILD_DIR=build-asan   FUZZ_SECONDS=15 (per target)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
asan_dir="${ASAN_BUILD_DIR:-build-asan}"

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

scripts/install-deps.sh
scripts/fetch-jars.sh "$build_dir"
scripts/fetch-tools.sh "$build_dir" >/dev/null   # helm, kustomize, jsonnet, kubeconform, dashboards SDK
# kube-apiserver and kine for the kubernetes suites and the incident demo, built once
# from their Go modules (the first time about 10 minutes on 2 cores; cached after).
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
tests/harness/kubeapi/build.sh "$build_dir"
cmake -S . -B "$build_dir" -G Ninja -DSTREAMPROBE_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
# Integration suites are RUN_SERIAL; unit tests run beside each other.
# shellcheck disable=SC2086
ctest --test-dir "$build_dir" --output-on-failure -j 2 ${CTEST_ARGS:-}

# Sanitizers: any UB or memory error aborts; leaks of Debian's libraries are
# suppressed in tests/lsan.supp, each with its reason. Unoptimised (Debug), as an
# instrumented -O2 build takes about twice as long to compile.
jars="$(cd "$build_dir" && pwd)/jars"
cmake -S . -B "$asan_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTREAMPROBE_WERROR=ON \
  -DSTREAMPROBE_SANITIZE=ON -DSTREAMPROBE_JARS="$jars" "${launcher[@]}" >/dev/null
cmake --build "$asan_dir" -j "$(nproc)"
export ASAN_OPTIONS="detect_leaks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$asan_dir" --output-on-failure -j 2 -E '^(integration|sim|rules|docs|deploy)\.'
ctest --test-dir "$asan_dir" --output-on-failure -R '^integration\.(test_engine|test_flink)$'

scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
