#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL server on 127.0.0.1 for the test suite.
#   scripts/postgres.sh start   -> prints the base URL to use as BEACON_TEST_POSTGRES_URL
#   scripts/postgres.sh stop
# Installs Debian's postgresql when missing. The server runs as the `postgres` system user
# (PostgreSQL refuses to run as root) with its data in a temporary folder.
set -euo pipefail
PORT="${BEACON_PG_PORT:-55432}"
DATA="${BEACON_PG_DATA:-/tmp/beacon-test-pg-$PORT}"

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && echo "$d"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$(pg_bin)" ]; then
      echo "installing PostgreSQL (Debian package)..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    fi
    BIN=$(pg_bin)
    if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      rm -rf "$DATA"
      mkdir -p "$DATA"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
      as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
      as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
        -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$PORT"
    ;;
  stop)
    BIN=$(pg_bin)
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DATA"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
