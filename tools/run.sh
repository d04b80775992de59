#!/usr/bin/env bash
# `make run`: Odoo with sales_cycle_mgmt and demo data on http://$HTTP_HOST:$HTTP_PORT.
# First run: creates the database $DB_NAME; later runs reuse it and upgrade the
# addon only when its files changed. Ctrl-C stops Odoo, then the private PostgreSQL.
source "$(dirname "$0")/common.sh"
# WORKERS=N: prefork mode (tools/odoo_conf.sh writes workers, cron threads and
# limits); REPLICA=1: read-only requests on the private cluster's hot standby.
check_http_port
if [ "${WORKERS:-0}" -gt 0 ] && port_in_use "$((HTTP_PORT + 3))"; then
  die "port $((HTTP_PORT + 3)) (gevent/longpolling of the workers) on 127.0.0.1 is already in use. Choose another HTTP_PORT."
fi
provision
REPLICA_STARTED=0
stop_all() {
  if [ "$REPLICA_STARTED" = 1 ]; then bash "$ROOT/tools/pg.sh" replica-stop >/dev/null || true; fi
  stop_pg_if_started
}
trap stop_all EXIT

want=$(addon_hash)
state=$(module_state "$DB_NAME")
args=()
if [ "$state" != installed ]; then
  say "installing sales_cycle_mgmt with demo data into database $DB_NAME (a minute or two)"
  args=(-i sales_cycle_mgmt --with-demo)
elif [ "$(cat "$STATE/run_hash.$DB_NAME" 2>/dev/null)" != "$want" ]; then
  say "the addon changed since the last run: upgrading it in $DB_NAME"
  args=(-u sales_cycle_mgmt)
fi
if [ ${#args[@]} -gt 0 ]; then
  odoo_bin -c "$ODOO_CONF" -d "$DB_NAME" "${args[@]}" --stop-after-init --log-level=warn \
    || die "installing/upgrading sales_cycle_mgmt in $DB_NAME failed (see above)."
  echo "$want" > "$STATE/run_hash.$DB_NAME"
fi
if [ "${REPLICA:-0}" = 1 ] && [ "$SCM_PG_EXTERNAL" = 0 ]; then
  r=$(bash "$ROOT/tools/pg.sh" replica-start)
  [ "$r" = started ] && REPLICA_STARTED=1
  say "read-only requests go to the hot standby on 127.0.0.1:$SCM_PG_REPLICA_PORT"
fi
say "Odoo is starting on http://$HTTP_HOST:$HTTP_PORT (database $DB_NAME, login admin / admin with demo data). Ctrl-C stops it."
# Not exec: the EXIT trap must stop the private PostgreSQL after Odoo ends.
# Odoo runs in a process group of its own (set -m) and gets exactly one SIGINT,
# from the trap: on Ctrl-C, and on a TERM or HUP sent to this script or to make.
set -m
odoo_bin -c "$ODOO_CONF" -d "$DB_NAME" --db-filter="^${DB_NAME}\$" --log-level=info "$@" &
odoo_pid=$!
set +m
trap 'kill -INT -- -$odoo_pid 2>/dev/null' INT TERM HUP
while kill -0 $odoo_pid 2>/dev/null; do wait $odoo_pid || true; done
