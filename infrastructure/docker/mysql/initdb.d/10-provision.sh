#!/usr/bin/env bash
# Databases and service accounts in the MySQL 8 container: the same infrastructure/mysql/bootstrap.sql
# that mysql.sh applies locally, with its {{...}} placeholders filled in from PRODUCT_DB_USER,
# PRODUCT_DB_PASSWORD, ORDER_DB_USER and ORDER_DB_PASSWORD (the services' own variable names).
#
# The mysql image runs /docker-entrypoint-initdb.d/* once, when the data volume is empty, against a
# server that listens on its socket only (so no healthcheck can pass before this is done). A .sh
# file is sourced; "${mysql[@]}" is then its root client. Run on its own (executable, or by the
# test), it needs MYSQL_ROOT_PASSWORD, or MYSQL_CLIENT naming another client command.
#
# Changing a password in .env later does not reach an initialised volume: `docker compose down -v`.

PRODUCT_DB_USER="${PRODUCT_DB_USER:-product_service}"
ORDER_DB_USER="${ORDER_DB_USER:-order_service}"

provision_sql() {
  local sql user password
  for user in "$PRODUCT_DB_USER" "$ORDER_DB_USER"; do
    if [[ ! "$user" =~ ^[A-Za-z0-9_]{1,32}$ ]]; then
      echo "provision: invalid database user name '$user' (allowed: [A-Za-z0-9_], at most 32)" >&2
      return 1
    fi
  done
  sql="$(<"${BOOTSTRAP_SQL:-/etc/ecom/bootstrap.sql}")" || return 1
  # Passwords go into single-quoted literals: backslashes and quotes are escaped (bootstrap.sql
  # sets a sql_mode in which backslash escapes apply). Quoted replacements: no '&' expansion.
  password="${PRODUCT_DB_PASSWORD:-product_service_local}"
  password="${password//\\/\\\\}"
  sql="${sql//\{\{PRODUCT_DB_PASSWORD\}\}/"${password//\'/\'\'}"}"
  password="${ORDER_DB_PASSWORD:-order_service_local}"
  password="${password//\\/\\\\}"
  sql="${sql//\{\{ORDER_DB_PASSWORD\}\}/"${password//\'/\'\'}"}"
  sql="${sql//\{\{PRODUCT_DB_USER\}\}/"$PRODUCT_DB_USER"}"
  sql="${sql//\{\{ORDER_DB_USER\}\}/"$ORDER_DB_USER"}"
  printf '%s\n' "$sql"
}

provision() {
  local sql
  sql="$(provision_sql)" || return 1
  if [[ -n "${MYSQL_CLIENT:-}" ]]; then
    printf '%s\n' "$sql" | $MYSQL_CLIENT
  elif declare -p mysql >/dev/null 2>&1; then
    printf '%s\n' "$sql" | "${mysql[@]}"
  else
    printf '%s\n' "$sql" | MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=socket -uroot
  fi
  echo "provision: databases product_db, order_db and users $PRODUCT_DB_USER, $ORDER_DB_USER are provisioned"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  provision
else
  provision || exit 1
fi
