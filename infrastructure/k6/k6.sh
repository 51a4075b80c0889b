#!/usr/bin/env bash
# k6, the load generator of performance-tests/, built from source with `go install` through the Go
# module proxy (pinned below) into the cache, never into the repository. A `k6` already on PATH is
# used as it is.
#
# Usage: k6.sh install          builds k6 when it is missing (a few minutes the first time)
#        k6.sh path             prints the k6 executable to use (installs first)
#        k6.sh run ARGS...      runs it
set -euo pipefail

K6_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$K6_SCRIPT_DIR/../lib/common.sh"

readonly C=k6
# The newest stable release when this was written; change it here only.
readonly K6_VERSION=v1.8.1
readonly K6_BIN_DIR="$ECOM_CACHE_DIR/k6-$K6_VERSION/bin"

k6_path() {
  if [[ -z "${K6_FORCE_BUILD:-}" ]] && command -v k6 >/dev/null 2>&1; then
    command -v k6
  else
    echo "$K6_BIN_DIR/k6"
  fi
}

cmd_install() {
  [[ -x "$(k6_path)" ]] && return 0
  command -v go >/dev/null || die "$C" "Go is needed to build k6 (go install go.k6.io/k6@$K6_VERSION)"
  mkdir -p "$K6_BIN_DIR"
  exec 8>"$K6_BIN_DIR/../.install.lock"
  flock 8
  if [[ ! -x "$K6_BIN_DIR/k6" ]]; then
    local started=$SECONDS log="$ECOM_LOG_DIR/k6-install.log"
    say "$C" "building k6 $K6_VERSION from source (go install via the Go module proxy) into $K6_BIN_DIR (log: $log)"
    if ! GOBIN="$K6_BIN_DIR" CGO_ENABLED=0 GOFLAGS=-trimpath go install "go.k6.io/k6@$K6_VERSION" >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      die "$C" "go install go.k6.io/k6@$K6_VERSION failed"
    fi
    say "$C" "k6 $K6_VERSION built in $((SECONDS - started))s"
  fi
  exec 8>&-
}

case "${1:-}" in
  install) cmd_install ;;
  path)
    cmd_install
    k6_path
    ;;
  run)
    shift
    cmd_install
    exec "$(k6_path)" "$@"
    ;;
  *) die "$C" "usage: k6.sh install | path | run ARGS..." ;;
esac
