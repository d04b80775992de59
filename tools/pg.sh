#!/usr/bin/env bash
# The private PostgreSQL cluster: `pg.sh start` (prints "started" when this call
# started it, "running" when it already ran), `pg.sh stop`, `pg.sh status`.
# Its streaming hot standby (a read replica for Odoo's db_replica_host/port):
# `pg.sh replica-start` (a pg_basebackup -R of the primary into $STATE/pg-replica,
# or $SCM_PG_REPLICA_DIR (a folder the postgres user can reach), the first time;
# port $SCM_PG_REPLICA_PORT),
# `replica-stop`, `replica-status`, `replica-drop` (stop and delete its data).
# Loopback TCP only, password authentication, data in $STATE/pg. When run as root
# the server runs as the `postgres` user; if that user cannot enter the project
# folder (a clone under a private home), the data lives in /var/tmp and $STATE/pg
# is a link to it.
source "$(dirname "$0")/common.sh"

[ "$SCM_PG_EXTERNAL" = 1 ] && { echo external; exit 0; }

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL server binaries not found in ${PGBIN:-/usr/lib/postgresql/*/bin}. Install them: apt-get install postgresql, or set PGBIN to their folder (or PGHOST to use an existing server)."

as_pg() { # run a command as the cluster owner
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

data_dir() { # name (pg, pg-replica) -> data folder of that cluster under $STATE/name
  local name=$1
  mkdir -p "$STATE"
  # the resolved path: the postgres user may not be able to follow the link
  if [ -L "$STATE/$name" ] || [ -d "$STATE/$name" ]; then echo "$(readlink -f "$STATE/$name")/data"; return; fi
  if is_root && ! runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
    local outside
    outside=/var/tmp/sales_cycle_mgmt-$name-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)
    say "the postgres user cannot enter $STATE: keeping the cluster in $outside"
    mkdir -p "$outside"
    ln -sfn "$outside" "$STATE/$name"
  else
    mkdir -p "$STATE/$name"
  fi
  echo "$(readlink -f "$STATE/$name")/data"
}

DATA=$(data_dir pg)
PWFILE=$STATE/pgpass
LOG=$(dirname "$DATA")/postgresql.log

is_running() { as_pg "$PGBIN/pg_ctl" -D "${1:-$DATA}" status >/dev/null 2>&1; }

start_server() { # data log port port-variable what extra-options: pg_ctl start, or die
  local data=$1 log=$2 port=$3
  if port_in_use "$port"; then
    die "port $port on 127.0.0.1 is taken by another program. Set $4 to a free port."
  fi
  touch "$log"; is_root && chown postgres: "$log"
  # No Unix socket in a shared folder: loopback TCP only.
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories= -c max_connections=200 $6" \
       start >/dev/null; then
    tail -20 "$log" >&2; die "$5 did not start (log: $log)."
  fi
}

replica_data() {
  if [ -n "${SCM_PG_REPLICA_DIR:-}" ]; then mkdir -p "$SCM_PG_REPLICA_DIR"; echo "$(readlink -f "$SCM_PG_REPLICA_DIR")/data"
  else data_dir pg-replica; fi
}

replica_start() {
  local rdata rlog; rdata=$(replica_data); rlog=$(dirname "$rdata")/postgresql.log
  is_running || die "the primary PostgreSQL is not running: start it first (pg.sh start)."
  if [ ! -f "$rdata/standby.signal" ]; then
    say "copying the primary into the hot standby $rdata (pg_basebackup -R)"
    rm -rf "$rdata"
    is_root && chown postgres: "$(dirname "$rdata")"
    # the primary's defaults (initdb) allow it: wal_level=replica, max_wal_senders=10,
    # and pg_hba's "host replication all 127.0.0.1/32" lines; odoo is its superuser
    if ! as_pg env PGPASSWORD="$(cat "$PWFILE")" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" \
         -U odoo -D "$rdata" -R -X stream -c fast >"$(dirname "$rdata")/basebackup.log" 2>&1; then
      cat "$(dirname "$rdata")/basebackup.log" >&2; rm -rf "$rdata"; die "pg_basebackup failed (log above)."
    fi
  fi
  if is_running "$rdata"; then echo running; return; fi
  # max_connections: the same as the primary's, a hot standby needs at least as many
  start_server "$rdata" "$rlog" "$SCM_PG_REPLICA_PORT" SCM_PG_REPLICA_PORT "the PostgreSQL hot standby" \
    "-c hot_standby=on ${SCM_PG_REPLICA_OPTS:-}"
  echo started
}

replica_stop() {
  local rdata; rdata=$(replica_data)
  if [ -f "$rdata/PG_VERSION" ] && is_running "$rdata"; then
    as_pg "$PGBIN/pg_ctl" -D "$rdata" -m fast -w stop >/dev/null; echo stopped
  else echo "not running"; fi
}

init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  say "creating the private PostgreSQL cluster in $DATA"
  is_root && chown postgres: "$(dirname "$DATA")"
  [ -s "$PWFILE" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$PWFILE"; chmod 600 "$PWFILE"; }
  local tmp; tmp=$(mktemp); cp "$PWFILE" "$tmp"; is_root && chown postgres: "$tmp"
  if ! as_pg "$PGBIN/initdb" -D "$DATA" -U odoo --pwfile="$tmp" --auth=scram-sha-256 \
       -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1; then
    rm -f "$tmp"; cat "$STATE/initdb.log" >&2; die "initdb failed (log above)."
  fi
  rm -f "$tmp"
}

case "${1:-status}" in
  start)
    init_cluster
    if is_running; then echo running; exit 0; fi
    start_server "$DATA" "$LOG" "$PGPORT" SCM_PG_PORT PostgreSQL "-c synchronous_commit=off"
    echo started ;;
  replica-start) replica_start ;;
  replica-stop) replica_stop ;;
  replica-status) if is_running "$(replica_data)"; then echo running; else echo stopped; fi ;;
  replica-drop) replica_stop >/dev/null; rm -rf "$(replica_data)"; echo dropped ;;
  stop)
    if [ -e "$STATE/pg-replica" ]; then replica_stop >/dev/null; fi
    if is_running; then as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; echo stopped; else echo "not running"; fi ;;
  status)
    if is_running; then echo running; else echo stopped; fi ;;
  *) die "usage: pg.sh start|stop|status|replica-start|replica-stop|replica-status|replica-drop" ;;
esac
