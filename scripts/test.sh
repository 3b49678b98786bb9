#!/usr/bin/env bash
# Beacon's one test command (CI runs it too). It installs what the tests need when missing
# (Debian's chromium, chromium-driver, fonts-noto-cjk, postgresql and zopfli; the npm tools), starts
# a throwaway PostgreSQL, then runs: the format check, the optimized frontend build with its
# size budget, every crate's unit tests and the API integration tests on SQLite and
# PostgreSQL (all linted by clippy as they are compiled), and the end-to-end browser tests
# against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's wall time is printed as it ends and summed up at exit, so a slow CI run shows
# where its minutes went.
timings=""
current=""
started=$SECONDS
lap() { [ -z "$current" ] || timings+=$(printf '%5ds  %s' $((SECONDS - started)) "$current")$'\n'; }
step() {
  lap
  current="$*"
  started=$SECONDS
  printf '\n==> %s\n' "$*"
}
summary() {
  lap
  current=""
  printf '\n==> time per step\n%s' "$timings"
}

step "system packages"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v zopfli >/dev/null || missing+=(zopfli)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt

step "format"
cargo fmt --all -- --check

step "PostgreSQL"
export BEACON_TEST_POSTGRES_URL
BEACON_TEST_POSTGRES_URL=$(bash scripts/postgres.sh start)
trap 'summary; bash scripts/postgres.sh stop' EXIT
echo "$BEACON_TEST_POSTGRES_URL"

# Clippy lints the workspace's own crates while they are compiled for real (clippy-driver
# as cargo's workspace wrapper, warnings denied: what `cargo clippy -- -D warnings` checks),
# so the dependencies are compiled once for the tests instead of once more just to be
# checked; a cold run saves over ten minutes. Dependencies are not linted either way.
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver)
CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

step "frontend build (release, wasm-opt, clippy) and size budget"
bash scripts/build-frontend.sh

step "clippy and build (every target)"
# `cargo test` builds everything but the benchmarks (dev profile, not run here).
cargo build --workspace --benches

step "unit and API tests (SQLite and PostgreSQL)"
cargo test --workspace
# The console is the frontend crate with its `console` feature (its own pages and tests).
cargo test -p frontend --features console
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

step "end-to-end tests (headless Chromium at 390x844)"
# `cargo test` has just built target/debug/beacon for the CLI tests; `cargo build -p backend`
# would build it again with other features (and recompile many dependencies).
[ -x target/debug/beacon ] || cargo build -p backend --bin beacon
[ -x tools/node_modules/.bin/wasm-opt ] && [ -d tools/node_modules/playwright-core ] || npm ci --prefix tools --no-audit --no-fund
node --test --test-concurrency=1 tests/e2e/
echo "screenshots: target/e2e-screenshots/"
