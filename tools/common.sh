# Sourced by the other tools: one place for paths, defaults and messages.
# Everything here can be overridden from the environment (see README.rst).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${SCM_STATE_DIR:-$ROOT/.state}
VENV=${SCM_VENV:-$ROOT/.venv}
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
ODOO_BRANCH=${ODOO_BRANCH:-19.0}
HTTP_HOST=${HTTP_HOST:-127.0.0.1}
HTTP_PORT=${HTTP_PORT:-8069}
DB_NAME=${DB_NAME:-sales_cycle}
# PostgreSQL: by default a private cluster under $STATE; set PGHOST (and PGPORT,
# PGUSER, PGPASSWORD) to use an existing server instead.
# The choice is made once, by the first script, and inherited by the ones it calls.
if [ -z "${SCM_PG_EXTERNAL:-}" ]; then
  if [ -n "${PGHOST:-}" ]; then SCM_PG_EXTERNAL=1; else SCM_PG_EXTERNAL=0; fi
fi
export SCM_PG_EXTERNAL
if [ "$SCM_PG_EXTERNAL" = 1 ]; then
  PGPORT=${PGPORT:-5432}
  PGUSER=${PGUSER:-$(id -un)}
  PGPASSWORD=${PGPASSWORD:-}
else
  PGHOST=127.0.0.1
  PGPORT=${SCM_PG_PORT:-54329}
  SCM_PG_REPLICA_PORT=${SCM_PG_REPLICA_PORT:-54330}
  PGUSER=odoo
  PGPASSWORD=
fi
export PGHOST PGPORT PGUSER
ODOO_CONF=$STATE/odoo.conf
ADDONS_PATH=$ODOO_SRC/addons,$ROOT

say() { printf '[sales_cycle_mgmt] %s\n' "$*" >&2; }
die() { printf '\n[sales_cycle_mgmt] ERROR: %s\n\n' "$*" >&2; exit 2; }

is_root() { [ "$(id -u)" = 0 ]; }

port_in_use() { # port -> 0 when something listens on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"; }

pg_env() { # export the password for psql/createdb once the cluster exists
  if [ "$SCM_PG_EXTERNAL" = 0 ] && [ -s "$STATE/pgpass" ]; then export PGPASSWORD; PGPASSWORD=$(cat "$STATE/pgpass"); fi
  if [ "$SCM_PG_EXTERNAL" = 1 ] && [ -n "${PGPASSWORD:-}" ]; then export PGPASSWORD; fi
}

module_state() { # db -> state of sales_cycle_mgmt, empty when db or module is missing
  psql -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = 'sales_cycle_mgmt'" 2>/dev/null || true
}

addon_hash() { # changes whenever a file of the addon changes
  (cd "$ROOT" && find sales_cycle_mgmt -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
}

check_http_port() {
  if port_in_use "$HTTP_PORT"; then
    die "port $HTTP_PORT on 127.0.0.1 is already in use (another Odoo?). Stop it, or choose another port: make run HTTP_PORT=8070"
  fi
}

provision() { # bootstrap, start PostgreSQL, write odoo.conf; sets PG_STARTED=1 when we started it
  bash "$ROOT/tools/bootstrap.sh"
  ODOO_SRC=$(cat "$STATE/odoo_src")
  local r; r=$(bash "$ROOT/tools/pg.sh" start)
  PG_STARTED=0; [ "$r" = started ] && PG_STARTED=1
  bash "$ROOT/tools/odoo_conf.sh"
  pg_env
  psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 \
    || die "cannot connect to PostgreSQL at $PGHOST:$PGPORT as $PGUSER. Check PGHOST/PGPORT/PGUSER/PGPASSWORD."
}

stop_pg_if_started() {
  if [ "${PG_STARTED:-0}" = 1 ]; then bash "$ROOT/tools/pg.sh" stop >/dev/null || true; fi
}

use_throwaway_dbs() { # prefix: on exit, drop every database named prefix*, then clean up
  THROWAWAY_PREFIX=$1
  trap cleanup_throwaway_dbs EXIT
  trap 'exit 130' INT TERM
}

cleanup_throwaway_dbs() {
  local rc=$? db
  # a child Odoo or Chromium left behind by an interrupted run must not keep a db busy
  pkill -P $$ 2>/dev/null || true
  if [ -z "${KEEP_DB:-}" ]; then
    for db in $(psql -d postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE '${THROWAWAY_PREFIX}%'" 2>/dev/null); do
      dropdb --if-exists --force "$db" 2>/dev/null || true
      rm -rf "$STATE/data/filestore/$db"
    done
  fi
  stop_pg_if_started
  exit $rc
}

install_addon() { # db log-name: install sales_cycle_mgmt into a fresh db; any ERROR fails
  local db=$1 log=$STATE/$2-install.log
  say "installing sales_cycle_mgmt into the throwaway database $db"
  if ! odoo_bin -c "$ODOO_CONF" -d "$db" -i sales_cycle_mgmt --stop-after-init \
       --log-level=warn >"$log" 2>&1 || grep -q ' ERROR ' "$log"; then
    tail -40 "$log" >&2
    die "installing sales_cycle_mgmt failed (log: $log)."
  fi
}
