#!/usr/bin/env bash
# MariaDB for the platform: installs Debian's mariadb-server if needed (lib/mysql-install.sh), runs
# it on a data dir of the project (lib/mysql-server.sh: $ECOM_DATA_DIR/mysql, never /var/lib/mysql)
# and provisions databases and users (lib/mysql-provision.sh). This file: the commands.
#
# Usage: mysql.sh install | start | stop | status | client [MARIADB-CLIENT-ARGS...]
#
#   start   prints one word on stdout:
#             running   our server was already up (bootstrap SQL re-applied)
#             external  something else answers on MYSQL_HOST:MYSQL_PORT; bootstrap SQL applied
#                       through MYSQL_ADMIN_USER/MYSQL_ADMIN_PASSWORD when those are set
#             started   our server was started (data dir initialised on first use)
#   status  prints running/stopped; exit code 0 when running, 1 when stopped.
#   client  the mariadb client as root through our socket, e.g. `mysql.sh client -e 'show databases'`.
#
# Environment: MYSQL_HOST (127.0.0.1), MYSQL_PORT (3306), MYSQL_ADMIN_USER, MYSQL_ADMIN_PASSWORD,
# PRODUCT_DB_USER, PRODUCT_DB_PASSWORD, ORDER_DB_USER, ORDER_DB_PASSWORD (defaults: the services'
# own, see lib/mysql-provision.sh), ECOM_DATA_DIR.
# Progress goes to stderr; stdout carries only the machine-readable result.
set -euo pipefail

MYSQL_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$MYSQL_SCRIPT_DIR/../lib/common.sh"

readonly C=mysql
readonly MY_CNF="$MYSQL_SCRIPT_DIR/my.cnf"
readonly BOOTSTRAP_SQL="$MYSQL_SCRIPT_DIR/bootstrap.sql"
readonly LOCKFILE="$ECOM_RUN_DIR/mysql.lock"
readonly MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
readonly MYSQL_PORT="${MYSQL_PORT:-3306}"

# Files to remove when the script exits (temporary policy-rc.d, client option files).
CLEANUP_FILES=()
cleanup() {
  if ((${#CLEANUP_FILES[@]})); then
    rm -f "${CLEANUP_FILES[@]}"
  fi
}
trap cleanup EXIT

# shellcheck source=lib/mysql-install.sh
source "$MYSQL_SCRIPT_DIR/lib/mysql-install.sh"
# shellcheck source=lib/mysql-server.sh
source "$MYSQL_SCRIPT_DIR/lib/mysql-server.sh"
# shellcheck source=lib/mysql-provision.sh
source "$MYSQL_SCRIPT_DIR/lib/mysql-provision.sh"

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

# Serialise start/stop: two parallel starts must not both initialise or launch a server.
take_lock() {
  exec 9>"$LOCKFILE"
  flock 9
}

cmd_start() {
  take_lock
  if our_server_alive; then
    use_local_connection
    apply_bootstrap
    echo running
    return 0
  fi

  if port_open "$MYSQL_HOST" "$MYSQL_PORT"; then
    say "$C" "an external server accepts connections on $MYSQL_HOST:$MYSQL_PORT, using it"
    if [[ -n "${MYSQL_ADMIN_USER:-}" ]]; then
      client_bin >/dev/null || die "$C" "no mariadb/mysql client to provision the external server: run '$0 install'"
      use_external_connection
      apply_bootstrap
    else
      say "$C" "MYSQL_ADMIN_USER not set: not provisioning it; databases and users must already exist"
    fi
    echo external
    return 0
  fi

  start_local_server
  use_local_connection
  if [[ "$FRESH_DATADIR" == true ]]; then
    tidy_fresh_datadir
  fi
  apply_bootstrap
  echo started
}

cmd_stop() {
  take_lock
  our_server_alive || true # drops a stale pid file
  # SIGTERM is MariaDB's clean shutdown; the grace period covers flushing the buffer pool.
  stop_pidfile "$C" "$PIDFILE" "$STOP_GRACE"
}

cmd_status() {
  if our_server_alive; then
    say "$C" "pid $(cat "$PIDFILE"), 127.0.0.1:$MYSQL_PORT, socket $SOCKET"
    echo running
    return 0
  fi
  echo stopped
  return 1
}

cmd_client() {
  our_server_alive || die "$C" "our server is not running (start it with: $0 start)"
  local args
  mapfile -t args < <(local_client_args)
  exec "$(client_bin)" "${args[@]}" "$@"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    client) cmd_client "$@" ;;
    *)
      echo "usage: $0 install|start|stop|status|client [ARGS...]" >&2
      exit 2
      ;;
  esac
}

main "$@"
