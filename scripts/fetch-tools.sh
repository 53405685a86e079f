#!/usr/bin/env bash
# Installs the deployment tooling the deploy tests use, each at an exact version,
# into <build dir>/tools (Go module cache, Go build cache, pip target), so a second
# run is offline and fast:
#   helm, jsonnet, kustomize and kubeconform built from their Go modules;
#   the prometheus-operator module, whose CRDs give the ServiceMonitor and
#   PrometheusRule schemas; grafana-foundation-sdk (dashboards) and
#   kubernetes-validate (Kubernetes JSON schemas) from PyPI.
#   scripts/fetch-tools.sh [build dir]     prints the tools dir when done
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-${BUILD_DIR:-build}}"
mkdir -p "$build_dir/tools"
tools="$(cd "$build_dir/tools" && pwd)"

HELM_VERSION=v4.3.2
JSONNET_VERSION=v0.22.0
KUSTOMIZE_VERSION=v5.7.1
KUBECONFORM_VERSION=v0.7.0
PROMETHEUS_OPERATOR_VERSION=v0.85.0
GRAFANA_FOUNDATION_SDK_VERSION='1769699379!11.6.0'
KUBERNETES_VALIDATE_VERSION=1.35.0

# Go comes with the machine (Debian's golang is too old for these modules).
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
export GOPATH="$tools/go" GOMODCACHE="$tools/go/pkg/mod" GOCACHE="$tools/go/cache"
export GOBIN="$tools/bin" GOFLAGS="-buildvcs=false -modcacherw" GOTOOLCHAIN=local CGO_ENABLED=0
mkdir -p "$GOBIN"

# go install <module path>/<cmd>@<version> once per version: a stamp file records it.
go_tool() {
  local name="$1" pkg="$2" version="$3" stamp="$GOBIN/.$1.version"
  if [ -x "$GOBIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg@$version" ]; then
    return
  fi
  echo "fetch-tools: building $name $version (once; cached in $tools)"
  go install "$pkg@$version"
  echo "$pkg@$version" >"$stamp"
}

# helm has by far the most modules to download: it builds in the background while the
# rest is fetched (the go command locks its caches, so this is safe).
go_tool helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION" &
helm_pid=$!
go_tool jsonnet github.com/google/go-jsonnet/cmd/jsonnet "$JSONNET_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"

# The prometheus-operator module ships its CRDs (example/prometheus-operator-crd).
crd_dir="$GOMODCACHE/github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION/example/prometheus-operator-crd"
if [ ! -d "$crd_dir" ]; then
  echo "fetch-tools: downloading prometheus-operator $PROMETHEUS_OPERATOR_VERSION CRDs"
  (cd "$tools" && go mod download "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")
fi
ln -sfn "$crd_dir" "$tools/prometheus-operator-crd"

# Python packages for Debian's python3, in a target dir of their own, without
# dependencies: the SDK has none, and of kubernetes-validate only its bundled JSON
# schemas are used (tests/deploy/schemas.py), not its Python code.
py="$tools/python"
stamp="$py/.versions"
want="grafana-foundation-sdk==$GRAFANA_FOUNDATION_SDK_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "fetch-tools: installing $want"
  rm -rf "$py"
  # shellcheck disable=SC2086
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
    --no-deps --target "$py" $want
  echo "$want" >"$stamp"
fi
wait "$helm_pid"
# The binaries are kept; the build cache (GBs) is not needed again.
go clean -cache
echo "$tools"
