#!/usr/bin/env bash
# Write $STATE/odoo.conf for the chosen Odoo source, database server and port.
source "$(dirname "$0")/common.sh"
ODOO_SRC=$(cat "$STATE/odoo_src" 2>/dev/null || echo "$ODOO_SRC")
if [ "$SCM_PG_EXTERNAL" = 0 ]; then PGPASSWORD=$(cat "$STATE/pgpass"); fi
[ -s "$STATE/admin_passwd" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$STATE/admin_passwd"; chmod 600 "$STATE/admin_passwd"; }
umask 077
cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ROOT
data_dir = $STATE/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
admin_passwd = $(cat "$STATE/admin_passwd")
http_interface = $HTTP_HOST
http_port = $HTTP_PORT
gevent_port = $((HTTP_PORT + 3))
CONF
# Production mode (README "Production"): WORKERS=N serves in prefork mode, with
# CRON_THREADS cron workers and the memory and time limits of each worker.
if [ "${WORKERS:-0}" -gt 0 ]; then
  cat >> "$ODOO_CONF" <<CONF
workers = $WORKERS
max_cron_threads = ${CRON_THREADS:-2}
limit_memory_soft = ${LIMIT_MEMORY_SOFT:-2147483648}
limit_memory_hard = ${LIMIT_MEMORY_HARD:-2684354560}
limit_time_cpu = ${LIMIT_TIME_CPU:-120}
limit_time_real = ${LIMIT_TIME_REAL:-240}
limit_time_real_cron = ${LIMIT_TIME_REAL_CRON:-900}
CONF
elif [ -n "${CRON_THREADS:-}" ]; then
  echo "max_cron_threads = $CRON_THREADS" >> "$ODOO_CONF"
fi
if [ "${PROXY_MODE:-0}" = 1 ]; then echo "proxy_mode = True" >> "$ODOO_CONF"; fi
# REPLICA=1: read-only requests go to the hot standby (tools/pg.sh replica-start),
# or to PGHOST_REPLICA/PGPORT_REPLICA with an external server.
if [ "${REPLICA:-0}" = 1 ]; then
  if [ "$SCM_PG_EXTERNAL" = 1 ]; then
    [ -n "${PGHOST_REPLICA:-}" ] || die "REPLICA=1 with an external PostgreSQL (PGHOST) needs PGHOST_REPLICA (and PGPORT_REPLICA)."
    printf 'db_replica_host = %s\ndb_replica_port = %s\n' "$PGHOST_REPLICA" "${PGPORT_REPLICA:-$PGPORT}" >> "$ODOO_CONF"
  else
    printf 'db_replica_host = 127.0.0.1\ndb_replica_port = %s\n' "$SCM_PG_REPLICA_PORT" >> "$ODOO_CONF"
  fi
fi
