#!/usr/bin/env bash
# Installs everything streamprobe needs to build, test and run its demo, from
# Debian 12's packages. Idempotent: does nothing when all packages are present.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache
  # libFuzzer targets (tests/fuzz, scripts/fuzz.sh)
  clang-14 libclang-rt-14-dev
  prometheus-cpp-dev libmicrohttpd-dev libgnutls28-dev libcrypt-dev zlib1g-dev
  librdkafka-dev libcurl4-openssl-dev nlohmann-json3-dev
  libzookeeper-mt-dev libyaml-cpp-dev libmariadb-dev libgtest-dev libgmock-dev
  # real systems for tests and the demo (Kafka, ZooKeeper and Connect come as jars via Maven)
  default-jdk-headless maven mariadb-server prometheus prometheus-alertmanager
  # test harness
  python3 python3-pytest python3-prometheus-client python3-requests curl
  # deployment tooling (scripts/fetch-tools.sh installs PyPI packages with pip --target)
  python3-pip python3-yaml
  # benchmarks (bench/scrape_concurrency.py)
  wrk
  # browser test (tests/integration/test_status_page.py; it installs playwright-core with npm)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
