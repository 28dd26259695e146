#!/bin/sh
# Writes PgBouncer's configuration from the environment and runs it in the foreground.
#   DB_HOST, DB_PORT         the PostgreSQL server (default postgres:5432)
#   APP_DB_PASSWORD          the app role's password (jiedai_app, the only user let through)
#   POOL_SIZE                server connections per (database, user) (default 20)
#   MAX_CLIENT_CONN          client connections accepted (default 1000)
set -eu
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD}"
dir=/run/pgbouncer
umask 077
printf '"jiedai_app" "%s"\n' "$APP_DB_PASSWORD" > "$dir/userlist.txt"
cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=${DB_HOST:-postgres} port=${DB_PORT:-5432}
[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = ${POOL_SIZE:-20}
max_client_conn = ${MAX_CLIENT_CONN:-1000}
server_login_retry = 1
query_wait_timeout = 30
ignore_startup_parameters = extra_float_digits
logfile =
INI
exec pgbouncer "$dir/pgbouncer.ini"
