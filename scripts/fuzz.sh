#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang-14, ASan + UBSan) in their own
# build dir and runs each one for a while, seeded from tests/fixtures/<backend>/ and
# tests/fuzz/seeds/<target>/. Prints one summary line per target (executions,
# corpus size, crashes) and exits 1 if any target crashed; a crashing input is kept
# under $FUZZ_BUILD_DIR/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
#   FUZZ_BUILD_DIR=build-fuzz (default)      FUZZ_TARGETS="zookeeper doris" to run a subset
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build_dir="${FUZZ_BUILD_DIR:-build-fuzz}"
targets="${FUZZ_TARGETS:-zookeeper kafka kafka_connect schema_registry doris flink kubernetes config}"

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# -O1: libFuzzer's recommendation, and it compiles in about half the time of -O2.
cmake -S . -B "$build_dir" -G Ninja -DSTREAMPROBE_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCMAKE_C_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target fuzz_targets

# Seed folders of one target: its backend's fixtures and its own seeds. The
# registration znodes Kafka writes are recorded under both kafka and zookeeper;
# the KRaft quorum answers (kafka_kraft) are parsed by the kafka target.
seed_dirs() {
  local target="$1"
  local dirs=("tests/fixtures/$target" "tests/fuzz/seeds/$target")
  [ "$target" = kafka ] && dirs+=(tests/fixtures/zookeeper tests/fixtures/kafka_kraft)
  [ "$target" = config ] && dirs+=(deploy/examples)
  local d
  for d in "${dirs[@]}"; do [ -d "$d" ] && echo "$d"; done
}

# Runs one target; prints "<target> <executions> <corpus entries> <crashes> <exec/s>".
run_target() {
  local target="$1" corpus="$build_dir/corpus/$1" artifacts="$build_dir/artifacts/$1"
  local log="$build_dir/logs/$1.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  local status=0
  # shellcheck disable=SC2046
  "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" $(seed_dirs "$target") >"$log" 2>&1 || status=$?
  local execs rate crashes entries
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  crashes="$(find "$artifacts" -type f | wc -l)"
  entries="$(find "$corpus" -type f | wc -l)"
  [ "$status" -eq 0 ] || [ "$crashes" -gt 0 ] || crashes="?"
  echo "$target ${execs:-?} $entries $crashes ${rate:-?}"
}

printf '%-16s %12s %8s %8s %8s\n' target executions corpus crashes exec/s
failed=0
for target in $targets; do
  read -r name execs entries crashes rate < <(run_target "$target")
  printf '%-16s %12s %8s %8s %8s\n' "$name" "$execs" "$entries" "$crashes" "$rate"
  if [ "$crashes" != 0 ]; then
    failed=1
    echo "  see $build_dir/logs/$target.log and $build_dir/artifacts/$target/" >&2
  fi
done
exit "$failed"
