#!/usr/bin/env bash
# Runs every fuzz target for a while (default 120 s each), two at a time on a two-core
# machine, and prints each target's run count. Usage: fuzz/run.sh [seconds] [targets…]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-120}
shift || true
targets=("${@:-toml csv xlsx gift moodle_xml}")
read -r -a targets <<<"${targets[*]}"
target_dir=${FUZZ_TARGET_DIR:-/work/target-fuzz}
mkdir -p fuzz/logs
run() {
    local t=$1
    mkdir -p "fuzz/corpus/$t"
    cargo +nightly fuzz run --fuzz-dir fuzz --target-dir "$target_dir" "$t" \
        "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$secs" -max_len=16384 -timeout=5 -rss_limit_mb=2048 \
        >"fuzz/logs/$t.log" 2>&1 || echo "$t: FAILED (see fuzz/logs/$t.log)"
    echo "$t: $(grep -E '^Done [0-9]+ runs' "fuzz/logs/$t.log" || tail -n 3 "fuzz/logs/$t.log")"
}
i=0
for t in "${targets[@]}"; do
    run "$t" &
    i=$((i + 1))
    if ((i % 2 == 0)); then wait; fi
done
wait
