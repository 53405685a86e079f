#!/usr/bin/env bash
# Fetch the Java jars the integration-test harness runs servers from.
#
#   scripts/fetch-jars.sh [BUILD_DIR]        (BUILD_DIR defaults to "build", relative to the cwd)
#
# Result (one directory per jar set, ready to be used as a JVM class path "DIR/*"):
#   $BUILD_DIR/jars/kafka39/                      Kafka 3.9 broker + ZooKeeper 3.8 server + tools + Connect
#   $BUILD_DIR/jars/kafka39-connect-plugins/connect-file/   Connect plugin.path entry (FileStream connectors)
#   $BUILD_DIR/jars/kafka4/                       Kafka 4.x (KRaft) broker/controller + tools
#
# The jar sets are described by the pom files in tests/harness/maven/.  Maven's local
# repository is $BUILD_DIR/maven-repo (never ~/.m2).  Idempotent: a set whose stamp file
# (.complete, holding the sha256 of its pom) matches is skipped without running Maven, so a
# second run takes well under a second and touches no network.  A set whose pom changed is
# wiped and fetched again.  Maven is first tried offline (-o) and only goes online when the
# local repository lacks something.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"
pom_dir="$repo_root/tests/harness/maven"

build_dir="${1:-build}"
mkdir -p "$build_dir"
build_dir="$(cd "$build_dir" && pwd)"
jars_dir="$build_dir/jars"
maven_repo="$build_dir/maven-repo"
mkdir -p "$jars_dir"

log() { printf 'fetch-jars: %s\n' "$*"; }

# fetch_set NAME POM GOALS... : fetch one jar set unless its stamp is current.
# The directories listed in $dirs (space separated, relative to $jars_dir) make up the set.
fetch_set() {
    local name="$1" pom="$2" dirs="$3"
    shift 3
    local stamp="$jars_dir/$name/.complete"
    local want
    want="$(sha256sum "$pom" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        log "$name: up to date ($(ls "$jars_dir/$name" | wc -l) jars in $jars_dir/$name), skipping"
        return 0
    fi
    log "$name: fetching with Maven from $(basename "$pom") into $jars_dir"
    local d
    for d in $dirs; do rm -rf "${jars_dir:?}/$d"; done
    local start=$SECONDS
    local mvn_args=(-q -B "-Dmaven.repo.local=$maven_repo" "-Djars.dir=$jars_dir" -f "$pom" "$@")
    if mvn -o "${mvn_args[@]}" >/dev/null 2>&1; then
        log "$name: resolved offline from $maven_repo"
    else
        log "$name: not all in $maven_repo, resolving online"
        mvn "${mvn_args[@]}"
    fi
    printf '%s\n' "$want" > "$stamp"
    log "$name: done in $((SECONDS - start)) s ($(ls "$jars_dir/$name" | wc -l) jars)"
}

fetch_set kafka39 "$pom_dir/kafka39.pom.xml" "kafka39 kafka39-connect-plugins" \
    dependency:copy-dependencies@classpath dependency:copy@plugins
fetch_set kafka4 "$pom_dir/kafka4.pom.xml" "kafka4" \
    dependency:copy-dependencies@classpath

log "all jar sets ready under $jars_dir"
