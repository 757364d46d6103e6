#!/bin/sh
# Starts or stops the PostgreSQL and ClickHouse servers that bench/store-digest.mjs runs against,
# on loopback, with their data under one directory (default /tmp/telltale-bench-servers).
# TELLTALE_BENCH_SERVERS_DIR, TELLTALE_BENCH_PG_PORT, TELLTALE_BENCH_CH_HTTP_PORT and
# TELLTALE_BENCH_CH_TCP_PORT override the directory and the ports below.
#
# Usage: bench/support/store-servers.sh start|stop|remove
#   start   PostgreSQL on 127.0.0.1:15533 (user postgres, trust auth), ClickHouse HTTP on
#           127.0.0.1:18223 (user default, no password). Then create the databases, for example
#           psql -h 127.0.0.1 -p 15533 -U postgres -c 'CREATE DATABASE bench'; ClickHouse's
#           database is created by the store's migrate().
#   stop    stops both servers and keeps their data.
#   remove  stops both servers and deletes the directory.
# Needs PostgreSQL 15 (Debian's postgresql package) and /usr/sbin/clickhouse-server; as root,
# PostgreSQL runs as the postgres user, because initdb rejects root.
set -eu

DIR=${TELLTALE_BENCH_SERVERS_DIR:-/tmp/telltale-bench-servers}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_PORT=${TELLTALE_BENCH_PG_PORT:-15533}
CH_HTTP_PORT=${TELLTALE_BENCH_CH_HTTP_PORT:-18223}
CH_TCP_PORT=${TELLTALE_BENCH_CH_TCP_PORT:-19223}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$DIR/pg" "$DIR/ch/data" "$DIR/ch/tmp" "$DIR/ch/log" "$DIR/ch/user_files" "$DIR/ch/format_schemas"
  chmod 755 "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DIR/pg"; fi
  if [ ! -f "$DIR/pg/PG_VERSION" ]; then
    as_postgres "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg/server.log" -w -o \
    "-k /tmp -p $PG_PORT -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c work_mem=64MB -c synchronous_commit=off -c max_wal_size=4GB" \
    start >/dev/null

  cat >"$DIR/ch/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$DIR/ch/log/server.log</log><errorlog>$DIR/ch/log/error.log</errorlog></logger>
  <http_port>$CH_HTTP_PORT</http_port>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$DIR/ch/data/</path>
  <tmp_path>$DIR/ch/tmp/</tmp_path>
  <user_files_path>$DIR/ch/user_files/</user_files_path>
  <format_schema_path>$DIR/ch/format_schemas/</format_schema_path>
  <users_config>$DIR/ch/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709120</mark_cache_size>
</yandex>
XML
  cat >"$DIR/ch/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  (cd "$DIR/ch" && nohup /usr/sbin/clickhouse-server --config-file="$DIR/ch/config.xml" >/dev/null 2>&1 &
    echo $! >"$DIR/ch/server.pid")
  for _ in $(seq 120); do
    if curl -sf "http://127.0.0.1:$CH_HTTP_PORT/ping" >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "ClickHouse did not respond on 127.0.0.1:$CH_HTTP_PORT within 60 s; see $DIR/ch/log/error.log" >&2
  exit 1
}

stop() {
  if [ -f "$DIR/pg/postmaster.pid" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null; fi
  if [ -f "$DIR/ch/server.pid" ]; then
    kill "$(cat "$DIR/ch/server.pid")" 2>/dev/null || true
    rm -f "$DIR/ch/server.pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  remove)
    stop
    sleep 2
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop|remove" >&2
    exit 2
    ;;
esac
