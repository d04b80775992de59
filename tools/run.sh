#!/usr/bin/env bash
# `make run`: Odoo with sales_cycle_mgmt and demo data on http://$HTTP_HOST:$HTTP_PORT.
# First run: creates the database $DB_NAME; later runs reuse it and upgrade the
# addon only when its files changed. Ctrl-C stops Odoo, then the private PostgreSQL.
source "$(dirname "$0")/common.sh"
check_http_port
provision
trap stop_pg_if_started EXIT

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
