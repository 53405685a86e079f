#!/usr/bin/env bash
# Builds the real Kubernetes API server and its storage for the integration tests:
#   BUILD_DIR/tools/kube-apiserver   k8s.io/kubernetes/cmd/kube-apiserver (module apiserver/)
#   BUILD_DIR/tools/kine             github.com/k3s-io/kine, the etcd API on SQLite (module kine/)
#
# Usage: tests/harness/kubeapi/build.sh [BUILD_DIR]
#   BUILD_DIR defaults to $STREAMPROBE_BUILD_DIR, else <repo>/build.
#
# Go's module and build caches live in BUILD_DIR/go/{mod,cache} (never ~/go), so a second
# build is offline and fast.  A stamp file next to each binary holds the sha256 of its
# go.mod, go.sum and this script: a matching stamp skips Go entirely.  The build is tried
# offline (GOPROXY=off) first and only then with the module proxy.
#
# Needs Go >= 1.26.5 (kine v0.17.5's go directive; kube-apiserver v1.34 needs >= 1.24) on
# PATH or in $GO.  Both binaries are built with CGO_ENABLED=0 (kine then uses the pure-Go
# SQLite driver), so no C toolchain or library is needed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
build_dir="${1:-${STREAMPROBE_BUILD_DIR:-$repo/build}}"
mkdir -p "$build_dir"
build_dir="$(cd "$build_dir" && pwd)"
go="${GO:-go}"

if ! command -v "$go" >/dev/null 2>&1; then
  echo "kubeapi/build.sh: Go not found (need Go >= 1.26.5 on PATH or in \$GO)" >&2
  exit 2
fi

export GOMODCACHE="$build_dir/go/mod"
export GOCACHE="$build_dir/go/cache"
export GOFLAGS="-modcacherw -mod=readonly -trimpath"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOWORK=off
mkdir -p "$build_dir/tools" "$GOMODCACHE" "$GOCACHE"

# build NAME MODULE_DIR PACKAGE
build() {
  local name="$1" module="$here/$2" package="$3"
  local out="$build_dir/tools/$name" stamp="$build_dir/tools/$name.stamp"
  local want
  want="$(cat "$module/go.mod" "$module/go.sum" "$here/build.sh" | sha256sum | cut -d' ' -f1)"
  if [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "kubeapi/build.sh: $name up to date"
    return 0
  fi
  rm -f "$stamp"
  local start=$SECONDS
  echo "kubeapi/build.sh: building $name ($package) into $out"
  if ! (cd "$module" && GOPROXY=off "$go" build -ldflags="-s -w" -o "$out.tmp" "$package") 2>/dev/null; then
    (cd "$module" && "$go" build -ldflags="-s -w" -o "$out.tmp" "$package")
  fi
  mv -f "$out.tmp" "$out"
  echo "$want" > "$stamp"
  echo "kubeapi/build.sh: built $name in $((SECONDS - start)) s"
}

build kube-apiserver apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kine kine github.com/k3s-io/kine
