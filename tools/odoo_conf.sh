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
