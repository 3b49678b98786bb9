#!/usr/bin/env bash
# Profiles the SQLite `beacon serve` of one `beacon-load --scenario hot` round during its
# GET /api/v1/quizzes phase (the phase after "floor: constant JSON"): `perf record -e
# cpu-clock -g` on the server's pid for 4 s, written to $TARGET/load/perf-quizzes.data.
# Needs `perf` (Debian: linux-perf) and a release build (`cargo build --release -p backend
# -p beacon-load`). Read it with `perf report -i … --no-children --sort sym -g none`.
set -euo pipefail
target="${CARGO_TARGET_DIR:-target}"
out="$target/load/profile-run.txt"
mkdir -p "$target/load"
"$target/release/beacon-load" --scenario hot --rounds 1 --seconds 6 >"$out" 2>&1 &
until grep -q "floor: constant JSON" "$out" 2>/dev/null; do sleep 0.2; done
pid=$(grep -o "server pid [0-9]*" "$out" | awk '{print $3}')
sleep 0.5
perf record -e cpu-clock -F 999 -g -p "$pid" -o "$target/load/perf-quizzes.data" -- sleep 4
wait
echo "profile: $target/load/perf-quizzes.data (run: $out)"
