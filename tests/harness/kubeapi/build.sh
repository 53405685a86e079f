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
# Cold build (empty BUILD_DIR, 2 cores shared with other jobs at load 12-17): 18 min wall,
# 580 CPU-seconds (kube-apiserver 13 min incl. downloads, kine 5 min); stamps up to date: < 0.1 s.
# Caches: BUILD_DIR/go/mod ~1.5 GB, BUILD_DIR/go/cache ~2.6 GB.
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
# Go comes with the machine (Debian's golang is too old), as for scripts/fetch-tools.sh.
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
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

# One build at a time per build dir (two test suites may start it together).
exec 9>"$build_dir/tools/.kubeapi-build.lock"
flock 9

# required_version MODULE_DIR MODULE_PATH: the version go.mod requires (e.g. v1.34.2)
required_version() {
  awk -v m="$2" '($1 == m) { print $2 } ($1 == "require" && $2 == m) { print $3 }' "$here/$1/go.mod" | head -1
}

# build NAME MODULE_DIR PACKAGE [-X ldflags...]
build() {
  local name="$1" module="$here/$2" package="$3"
  shift 3
  local ldflags="-s -w $*"
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
  if ! (cd "$module" && GOPROXY=off "$go" build -ldflags="$ldflags" -o "$out.tmp" "$package") 2>/dev/null; then
    (cd "$module" && "$go" build -ldflags="$ldflags" -o "$out.tmp" "$package")
  fi
  mv -f "$out.tmp" "$out"
  echo "$want" > "$stamp"
  echo "kubeapi/build.sh: built $name in $((SECONDS - start)) s"
}

# Version variables as Kubernetes' hack/lib/version.sh sets them (GET /version answers them).
k8s="$(required_version apiserver k8s.io/kubernetes)"
minor="${k8s#v1.}"; minor="${minor%%.*}"
vflags=()
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  vflags+=("-X $pkg.gitVersion=$k8s" "-X $pkg.gitMajor=1" "-X $pkg.gitMinor=$minor" "-X $pkg.gitTreeState=clean")
done
build kube-apiserver apiserver k8s.io/kubernetes/cmd/kube-apiserver "${vflags[@]}"

kine="$(required_version kine github.com/k3s-io/kine)"
build kine kine github.com/k3s-io/kine "-X github.com/k3s-io/kine/pkg/version.Version=$kine"
