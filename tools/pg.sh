#!/usr/bin/env bash
# The private PostgreSQL cluster: `pg.sh start` (prints "started" when this call
# started it, "running" when it already ran), `pg.sh stop`, `pg.sh status`.
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

data_dir() {
  mkdir -p "$STATE"
  # the resolved path: the postgres user may not be able to follow the link
  if [ -L "$STATE/pg" ] || [ -d "$STATE/pg" ]; then echo "$(readlink -f "$STATE/pg")/data"; return; fi
  if is_root && ! runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
    local outside
    outside=/var/tmp/sales_cycle_mgmt-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)
    say "the postgres user cannot enter $STATE: keeping the cluster in $outside"
    mkdir -p "$outside"
    ln -sfn "$outside" "$STATE/pg"
  else
    mkdir -p "$STATE/pg"
  fi
  echo "$(readlink -f "$STATE/pg")/data"
}

DATA=$(data_dir)
PWFILE=$STATE/pgpass
LOG=$(dirname "$DATA")/postgresql.log

is_running() { as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

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
    if port_in_use "$PGPORT"; then
      die "port $PGPORT on 127.0.0.1 is taken by another program. Set SCM_PG_PORT to a free port."
    fi
    touch "$LOG"; is_root && chown postgres: "$LOG"
    # No Unix socket in a shared folder: loopback TCP only.
    if ! as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories= -c synchronous_commit=off -c max_connections=200" \
         start >/dev/null; then
      tail -20 "$LOG" >&2; die "PostgreSQL did not start (log: $LOG)."
    fi
    echo started ;;
  stop)
    if is_running; then as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; echo stopped; else echo "not running"; fi ;;
  status)
    if is_running; then echo running; else echo stopped; fi ;;
  *) die "usage: pg.sh start|stop|status" ;;
esac
