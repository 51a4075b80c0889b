#!/usr/bin/env bash
# Sourced by mysql.sh: where the MariaDB binaries are, and `mysql.sh install` (Debian's packages,
# without letting the package start a system server on 3306).

# find_bin NAME... : path of the first NAME found on PATH or in /usr/sbin, /usr/bin (the server
# lives in /usr/sbin, which is not on every user's PATH).
find_bin() {
  local name dir
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
    for dir in /usr/sbin /usr/bin; do
      [[ -x "$dir/$name" ]] && { echo "$dir/$name"; return 0; }
    done
  done
  return 1
}

server_bin() { find_bin mariadbd mysqld; }
install_db_bin() { find_bin mariadb-install-db mysql_install_db; }
client_bin() { find_bin mariadb mysql; }
admin_bin() { find_bin mariadb-admin mysqladmin; }

server_installed() { server_bin >/dev/null && install_db_bin >/dev/null && client_bin >/dev/null && admin_bin >/dev/null; }

readonly POLICY_RC_D=/usr/sbin/policy-rc.d
readonly SYSTEM_PIDFILE=/run/mysqld/mysqld.pid

# Debian's postinst starts the system service (port 3306, /var/lib/mysql) through invoke-rc.d.
# A policy-rc.d that exits 101 ("action forbidden") stops that. An existing one (container images
# often ship one) is left untouched; one we create is removed again on exit, even on failure.
block_service_start() {
  if [[ -e "$POLICY_RC_D" ]]; then
    say "$C" "$POLICY_RC_D already exists, leaving it as it is"
    return 0
  fi
  printf '#!/bin/sh\n# Temporary, created by %s: no service starts during package installation.\nexit 101\n' \
    "$0" >"$POLICY_RC_D"
  chmod 755 "$POLICY_RC_D"
  CLEANUP_FILES+=("$POLICY_RC_D")
}

# Should a system server have been started anyway, stop it through its own pid file.
stop_system_server() {
  if pid_alive "$SYSTEM_PIDFILE"; then
    say "$C" "the package started a system mariadb (pid $(cat "$SYSTEM_PIDFILE")), stopping it"
    stop_pidfile "$C" "$SYSTEM_PIDFILE" "$STOP_GRACE"
  fi
}

cmd_install() {
  if server_installed; then
    say "$C" "already installed: $(server_bin)"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "$C" "mariadb-server is not installed and installing it needs root: run 'sudo $0 install' (or apt-get install mariadb-server mariadb-client)"
  command -v apt-get >/dev/null || die "$C" "apt-get not found: install mariadb-server and mariadb-client (10.11) with your package manager"

  local started=$SECONDS
  say "$C" "installing mariadb-server and mariadb-client with apt-get"
  block_service_start
  export DEBIAN_FRONTEND=noninteractive
  # Wait for a concurrent apt/dpkg run instead of failing on its lock.
  local apt_opts=(-o DPkg::Lock::Timeout=300)
  apt-get "${apt_opts[@]}" update >&2
  apt-get "${apt_opts[@]}" install -y --no-install-recommends mariadb-server mariadb-client >&2
  stop_system_server
  cleanup
  CLEANUP_FILES=()
  server_installed || die "$C" "apt-get finished but mariadbd/mariadb-install-db/mariadb were not found"
  say "$C" "installed $("$(server_bin)" --version) in $((SECONDS - started))s"
}
