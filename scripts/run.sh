#!/usr/bin/env bash
# Beacon's one run command: installs what is missing, builds the optimized frontend and the
# backend, then serves both on http://127.0.0.1:3000 (BEACON_ADDR). On an empty database it
# loads the demo organization and prints the demo sign-ins.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-frontend.sh
cargo build -p backend --bin beacon
export BEACON_DEMO="${BEACON_DEMO:-true}"
exec ./target/debug/beacon serve "$@"
