#!/usr/bin/env bash
# Builds the optimized frontend into frontend/dist:
#   index.html, assets/beacon-<hash>.js, assets/beacon-<hash>_bg.wasm, assets/style-<hash>.css,
#   assets/boot-<hash>.js, each also gzip-compressed (.gz, by zopfli) for the server to send
#   when accepted.
# Installs what is missing first (wasm32 target, wasm-bindgen-cli at the Cargo.lock version,
# wasm-opt from the npm package `binaryen` in tools/). Run from any directory; rebuilds are
# incremental (cargo, and the wasm-bindgen + wasm-opt step is skipped when the wasm is unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

FRONTEND="$ROOT/frontend"
DIST="$FRONTEND/dist"
WORK="$ROOT/target/frontend-build"
WASM_OPT="$ROOT/tools/node_modules/.bin/wasm-opt"
BUDGET=$((250 * 1000)) # bytes, gzipped wasm + js + css

say() { printf '==> %s\n' "$*" >&2; }
hash10() { sha256sum "$1" | cut -c1-10; }

# --- 1. tools -------------------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$want" ]; then
  echo "wasm-bindgen is not in Cargo.lock" >&2
  exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none})"
  if ! cargo install wasm-bindgen-cli --version "$want" --locked; then
    # A registry mirror may lack one of the CLI's own locked dependencies; the CLI version
    # (what must match Cargo.lock) stays exact either way.
    say "retrying without --locked"
    cargo install wasm-bindgen-cli --version "$want"
  fi
fi

# zopfli writes ordinary gzip files about 4% smaller than `gzip -9` (slower, once per build).
if ! command -v zopfli >/dev/null; then
  say "installing zopfli"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get install -y -qq zopfli >/dev/null ||
    { $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq zopfli >/dev/null; }
fi

if [ ! -x "$WASM_OPT" ]; then
  say "installing wasm-opt (npm binaryen) into tools/"
  npm ci --prefix tools --no-audit --no-fund
fi

# --- 2. compile -----------------------------------------------------------------------------
# `erase_components` makes Leptos type-erase each component's view: about 80 KB less wasm.
# Shorter registry paths in panic locations save a few KB more. Only this build uses these
# flags (clippy checks the ordinary code), so it has its own cached artifacts.
flags="--cfg erase_components"
for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  case "$d" in *" "*) ;; *) flags="$flags --remap-path-prefix=$d=" ;; esac
done
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$flags"
say "cargo build (wasm32, wasm-release)"
cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
RAW_WASM="$ROOT/target/wasm32-unknown-unknown/wasm-release/frontend.wasm"

# --- 3. bindgen + wasm-opt (cached on the input wasm and tool versions) -----------------------
mkdir -p "$WORK"
# -Os came out ~700 B gzipped smaller than -Oz here (its raw wasm is larger, but the budget
# counts gzip); --low-memory-unused (Rust's wasm never uses addresses below 1 KB: the stack
# sits below the data and grows down from 1 MB) folds constant offsets into loads and
# stores (~700 B); the strip flags drop custom sections nobody reads. Measured and not kept:
# --converge, --gufa, -tnh/-iit (no gain, or changes what a trap does), opt-level "s" for
# rustc (+26 KB gzipped). Only a browser test proves the result works.
OPT_FLAGS="-Os --low-memory-unused --strip-debug --strip-producers --strip-target-features"
stamp="$(sha256sum "$RAW_WASM" | cut -d' ' -f1) $want $("$WASM_OPT" --version) $OPT_FLAGS"
if [ -f "$WORK/stamp" ] && [ "$(cat "$WORK/stamp")" = "$stamp" ] &&
  [ -f "$WORK/out/beacon.js" ] && [ -f "$WORK/out/beacon_bg.wasm" ]; then
  say "wasm unchanged: reusing the optimized build"
else
  say "wasm-bindgen + wasm-opt $OPT_FLAGS"
  rm -rf "$WORK/out" "$WORK/bindgen"
  mkdir -p "$WORK/out"
  wasm-bindgen --target web --no-typescript --out-dir "$WORK/bindgen" --out-name beacon "$RAW_WASM"
  # shellcheck disable=SC2086 # the flags are words
  "$WASM_OPT" $OPT_FLAGS \
    --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    "$WORK/bindgen/beacon_bg.wasm" -o "$WORK/out/beacon_bg.wasm"
  cp "$WORK/bindgen/beacon.js" "$WORK/out/beacon.js"
  printf '%s' "$stamp" >"$WORK/stamp"
fi

# --- 4. dist with content-hashed names --------------------------------------------------------
say "writing frontend/dist"
STAGE="$WORK/dist"
rm -rf "$STAGE"
mkdir -p "$STAGE/assets"

wasm_name="beacon-$(hash10 "$WORK/out/beacon_bg.wasm")_bg.wasm"
js_name="beacon-$(hash10 "$WORK/out/beacon.js").js"
css_name="style-$(hash10 "$FRONTEND/style.css").css"
cp "$WORK/out/beacon_bg.wasm" "$STAGE/assets/$wasm_name"
cp "$WORK/out/beacon.js" "$STAGE/assets/$js_name"
# The stylesheet ships without its comments and indentation.
perl -0777 -pe 's{/\*.*?\*/}{}gs; s/^\s+//mg; s/\s*\n\s*/\n/g' \
  "$FRONTEND/style.css" >"$STAGE/assets/$css_name"

sed -e "s|{{JS}}|$js_name|g" -e "s|{{WASM}}|$wasm_name|g" "$FRONTEND/boot.js" >"$WORK/boot.js"
boot_name="boot-$(hash10 "$WORK/boot.js").js"
mv "$WORK/boot.js" "$STAGE/assets/$boot_name"

sed -e "s|{{JS}}|$js_name|g" -e "s|{{WASM}}|$wasm_name|g" \
  -e "s|{{CSS}}|$css_name|g" -e "s|{{BOOT}}|$boot_name|g" \
  "$FRONTEND/index.html" >"$STAGE/index.html"
if grep -q '{{' "$STAGE/index.html" "$STAGE/assets/$boot_name"; then
  echo "unreplaced placeholder in index.html or boot.js" >&2
  exit 1
fi

for f in "$STAGE/index.html" "$STAGE"/assets/*; do
  zopfli "$f"
done

# Swap in the new build; stale files go with the old folder.
rm -rf "$DIST.old"
if [ -d "$DIST" ]; then mv "$DIST" "$DIST.old"; fi
mv "$STAGE" "$DIST"
rm -rf "$DIST.old"

# --- 5. sizes ---------------------------------------------------------------------------------
size() { stat -c %s "$1"; }
total=0
printf '\n%-34s %10s %10s\n' "file" "raw" "gzipped"
for f in "$wasm_name" "$js_name" "$css_name" "$boot_name"; do
  raw=$(size "$DIST/assets/$f")
  gz=$(size "$DIST/assets/$f.gz")
  total=$((total + gz))
  printf '%-34s %10s %10s\n' "$f" "$raw" "$gz"
done
printf '%-34s %10s %10s\n' "index.html" "$(size "$DIST/index.html")" "$(size "$DIST/index.html.gz")"
printf '%-34s %10s %10s  (budget %s)\n\n' "total wasm+js+css (gzipped)" "" "$total" "$BUDGET"
if [ "$total" -gt "$BUDGET" ]; then
  echo "frontend is over its size budget: $total > $BUDGET bytes gzipped" >&2
  exit 1
fi
