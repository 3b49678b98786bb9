#!/usr/bin/env bash
# Several Beacon instances on one PostgreSQL behind a real load balancer (HAProxy from
# Debian), as an operator would run them; not part of CI (the two-instance test is).
#
#   scripts/cluster.sh start [N]   throwaway PostgreSQL, N release instances (default 2) on
#                                  database beacon_cluster (demo data), HAProxy on
#                                  127.0.0.1:$BEACON_CLUSTER_PORT (default 3100) with health
#                                  checks on /api/health
#   scripts/cluster.sh stop        stops all of it (PostgreSQL's data is removed)
#   scripts/cluster.sh load [MEMBERS] [MINUTES]
#                                  the morning rush (beacon-load, README "Morning rush")
#                                  through the balancer, three times on a fresh database each:
#                                  one instance, two instances, and two instances with one
#                                  `kill -9`ed halfway through; prints each run's figures,
#                                  the acknowledged answers lost (must be 0) and the failed
#                                  requests. Default 3000 members over 3 minutes (the full
#                                  test's arrival rate).
#
# Needs the release binaries: cargo build --release -p backend -p beacon-load
# Installs haproxy (apt-get) when missing. Everything it starts is recorded under
# $BEACON_CLUSTER_DIR (default /tmp/beacon-cluster) and stopped by `stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR="${BEACON_CLUSTER_DIR:-/tmp/beacon-cluster}"
PORT="${BEACON_CLUSTER_PORT:-3100}"
PG_PORT="${BEACON_CLUSTER_PG_PORT:-55532}"
export BEACON_PG_PORT="$PG_PORT" BEACON_PG_DATA="$DIR/pg"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BEACON="$TARGET/release/beacon"
LOAD="$TARGET/release/beacon-load"
mkdir -p "$DIR"

need_binaries() {
  for b in "$BEACON" "$LOAD"; do
    [ -x "$b" ] || { echo "missing $b: cargo build --release -p backend -p beacon-load" >&2; exit 1; }
  done
}

pg_start() { bash scripts/postgres.sh start; }

ensure_haproxy() {
  if ! command -v haproxy >/dev/null; then
    echo "installing HAProxy (Debian package)..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >&2
  fi
}

# Starts instance $1 (1-based) on database URL $2.
instance_start() {
  local n=$1 url=$2 port=$((PORT + $1))
  DATABASE_URL="$url" BEACON_ADDR="127.0.0.1:$port" BEACON_LOG="${BEACON_LOG:-warn}" \
    BEACON_TRUST_PROXY=1 BEACON_QUESTION_BANK="$ROOT/question-bank" BEACON_SEEDS="$ROOT/seeds" \
    BEACON_STATIC_DIR="$ROOT/frontend/dist" \
    nohup "$BEACON" serve >"$DIR/instance-$n.log" 2>&1 &
  echo $! >"$DIR/instance-$n.pid"
}

instances_stop() {
  local f
  for f in "$DIR"/instance-*.pid; do
    [ -e "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

# HAProxy in front of instances 1..$1: round robin, a health check on /api/health every
# second (down after 2 failures, up after 2 successes), connection failures retried on
# another instance; the client's address forwarded in X-Forwarded-For.
balancer_start() {
  local n=$1 i
  ensure_haproxy
  balancer_stop
  {
    echo "global"
    echo "  maxconn 8000"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 2s"
    echo "  timeout client 60s"
    echo "  timeout server 60s"
    echo "  retries 3"
    echo "  option redispatch"
    echo "  retry-on conn-failure empty-response"
    echo "frontend beacon"
    echo "  bind 127.0.0.1:$PORT"
    echo "  option forwardfor"
    echo "  default_backend instances"
    echo "backend instances"
    echo "  balance roundrobin"
    echo "  option httpchk GET /api/health"
    echo "  http-check expect status 200"
    for i in $(seq "$n"); do
      echo "  server b$i 127.0.0.1:$((PORT + i)) check inter 1s fall 2 rise 2 maxconn 1000"
    done
  } >"$DIR/haproxy.cfg"
  haproxy -D -f "$DIR/haproxy.cfg" -p "$DIR/haproxy.pid"
}

balancer_stop() {
  if [ -e "$DIR/haproxy.pid" ]; then
    kill "$(cat "$DIR/haproxy.pid")" 2>/dev/null || true
    rm -f "$DIR/haproxy.pid"
  fi
}

wait_health() {
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$1/api/health" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "nothing answers http://127.0.0.1:$1/api/health" >&2
  return 1
}

# One rush through the balancer with $1 instances, killing instance 1 (kill -9) after $4
# seconds when $4 > 0. $2 members over $3 minutes.
load_run() {
  local n=$1 members=$2 minutes=$3 kill_after=$4 base log i
  base=$(pg_start)
  log="$DIR/load-$n-$kill_after.log"
  echo "== $n instance(s), $members members over $minutes min$([ "$kill_after" -gt 0 ] && echo ", instance 1 killed after ${kill_after}s") =="
  "$LOAD" --db postgres --postgres-url "$base" --target "127.0.0.1:$PORT" \
    --scenario rush --members "$members" --minutes "$minutes" >"$log" 2>&1 &
  load_pid=$!
  # beacon-load prepares (recreates) database beacon_load, then waits for the balancer.
  for _ in $(seq 1200); do
    grep -q "^waiting for" "$log" && break
    kill -0 $load_pid 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.5
  done
  for i in $(seq "$n"); do instance_start "$i" "$base/beacon_load"; done
  for i in $(seq "$n"); do wait_health $((PORT + i)); done
  balancer_start "$n"
  local killer=""
  if [ "$kill_after" -gt 0 ]; then
    (
      for _ in $(seq 600); do grep -q "answered after" "$log" && break; sleep 0.5; done
      sleep "$kill_after"
      kill -9 "$(cat "$DIR/instance-1.pid")" 2>/dev/null && echo "  killed instance 1 (kill -9) at $(date -u +%T)"
    ) &
    killer=$!
  fi
  wait $load_pid || true
  # Only the killer: the instances run in the background too.
  [ -n "$killer" ] && { wait "$killer" || true; }
  sed -n '/== rush/,$p' "$log"
  grep -c "ERROR" "$DIR"/instance-*.log 2>/dev/null | sed 's/^/  ERROR lines in /' || true
  balancer_stop
  instances_stop
}

case "${1:-}" in
  load) trap 'balancer_stop; instances_stop; [ -n "${load_pid:-}" ] && kill "$load_pid" 2>/dev/null; true' EXIT ;;
esac

case "${1:-}" in
  start)
    need_binaries
    n="${2:-2}"
    base=$(pg_start)
    runuser -u postgres -- psql -h "$DIR/pg" -p "$PG_PORT" -qc "DROP DATABASE IF EXISTS beacon_cluster" postgres
    runuser -u postgres -- psql -h "$DIR/pg" -p "$PG_PORT" -qc "CREATE DATABASE beacon_cluster" postgres
    DATABASE_URL="$base/beacon_cluster" "$BEACON" demo-data >/dev/null
    for i in $(seq "$n"); do instance_start "$i" "$base/beacon_cluster"; done
    for i in $(seq "$n"); do wait_health $((PORT + i)); done
    balancer_start "$n"
    wait_health "$PORT"
    echo "Beacon on http://127.0.0.1:$PORT (HAProxy) in front of $n instances on $base/beacon_cluster"
    ;;
  stop)
    balancer_stop
    instances_stop
    bash scripts/postgres.sh stop
    ;;
  load)
    need_binaries
    members="${2:-3000}"
    minutes="${3:-3}"
    half=$(awk "BEGIN { printf \"%d\", $minutes * 30 }")
    balancer_stop
    instances_stop
    load_run 1 "$members" "$minutes" 0
    load_run 2 "$members" "$minutes" 0
    load_run 2 "$members" "$minutes" "$half"
    ;;
  *)
    echo "usage: $0 start [N] | stop | load [MEMBERS] [MINUTES]" >&2
    exit 2
    ;;
esac
