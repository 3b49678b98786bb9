#!/usr/bin/env bash
# Builds the optimized frontend into frontend/dist, twice from the one `frontend` crate:
#   the member app (members' phones): index.html, assets/beacon-<hash>.js,
#     assets/beacon-<hash>_bg.wasm, assets/boot-<hash>.js;
#   the organizer/admin console (cargo feature `console`, served under /admin/):
#     console/index.html, assets/console-<hash>.js, assets/console-<hash>_bg.wasm,
#     assets/console-boot-<hash>.js;
#   and their stylesheets, assets/style-<hash>.css (member) and assets/console-style-<hash>.css
#   (style.css + console.css). Each file is also gzip-compressed
#   (.gz, by zopfli) for the server to send when accepted.
# Prints both apps' sizes and fails when one is over its budget (gzipped wasm + js + css):
# the member app 200,000 bytes, the console 320,000.
# Installs what is missing first (wasm32 target, wasm-bindgen-cli at the Cargo.lock version,
# wasm-opt from the npm package `binaryen` and terser in tools/). Run from any directory; rebuilds are
# incremental (cargo, and the wasm-bindgen + wasm-opt step is skipped when the wasm is unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

FRONTEND="$ROOT/frontend"
DIST="$FRONTEND/dist"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET/frontend-build"
WASM_OPT="$ROOT/tools/node_modules/.bin/wasm-opt"
TERSER="$ROOT/tools/node_modules/.bin/terser"
MEMBER_BUDGET=$((200 * 1000))  # bytes, gzipped wasm + js + css
CONSOLE_BUDGET=$((320 * 1000)) # bytes, gzipped wasm + js + css

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

if [ ! -x "$WASM_OPT" ] || [ ! -x "$TERSER" ]; then
  say "installing wasm-opt (npm binaryen) and terser into tools/"
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
RAW_WASM="$TARGET/wasm32-unknown-unknown/wasm-release/frontend.wasm"
mkdir -p "$WORK"
# Both builds write the same file; each is copied away at once. Cargo keeps both builds'
# artifacts (the feature set is part of their hash), so switching costs nothing.
say "cargo build (wasm32, wasm-release): the member app"
cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
cp "$RAW_WASM" "$WORK/member.wasm"
say "cargo build (wasm32, wasm-release): the console"
cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release --features console
cp "$RAW_WASM" "$WORK/console.wasm"

# --- 3. bindgen + wasm-opt (cached on the input wasm and tool versions) -----------------------
# -Os came out ~700 B gzipped smaller than -Oz here (its raw wasm is larger, but the budget
# counts gzip); --low-memory-unused (Rust's wasm never uses addresses below 1 KB: the stack
# sits below the data and grows down from 1 MB) folds constant offsets into loads and
# stores (~700 B); the strip flags drop custom sections nobody reads. Measured and not kept:
# --converge, --gufa, -tnh/-iit (no gain, or changes what a trap does), opt-level "s" for
# rustc (+26 KB gzipped). Only a browser test proves the result works.
OPT_FLAGS="-Os --low-memory-unused --strip-debug --strip-producers --strip-target-features"

# optimize APP: $WORK/APP.wasm -> $WORK/APP/out/APP.js and APP_bg.wasm.
optimize() {
  local app=$1 out="$WORK/$1"
  local stamp
  stamp="$(sha256sum "$WORK/$app.wasm" | cut -d' ' -f1) $want $("$WASM_OPT" --version) $OPT_FLAGS $("$TERSER" --version)"
  if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
    [ -f "$out/out/$app.js" ] && [ -f "$out/out/${app}_bg.wasm" ]; then
    say "$app: wasm unchanged, reusing the optimized build"
    return
  fi
  say "$app: wasm-bindgen + wasm-opt $OPT_FLAGS"
  rm -rf "$out"
  mkdir -p "$out/out"
  wasm-bindgen --target web --no-typescript --out-dir "$out/bindgen" --out-name "$app" "$WORK/$app.wasm"
  # shellcheck disable=SC2086 # the flags are words
  "$WASM_OPT" $OPT_FLAGS \
    --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    "$out/bindgen/${app}_bg.wasm" -o "$out/out/${app}_bg.wasm"
  # wasm-bindgen's glue ships minified: about 1.8 KB less gzipped for the member app.
  "$TERSER" "$out/bindgen/$app.js" --module --compress --mangle -o "$out/out/$app.js"
  printf '%s' "$stamp" >"$out/stamp"
}
optimize member
optimize console

# --- 4. dist with content-hashed names --------------------------------------------------------
say "writing frontend/dist"
STAGE="$WORK/dist"
rm -rf "$STAGE"
mkdir -p "$STAGE/assets" "$STAGE/console"

# Stylesheets ship without their comments and indentation: the member app's is style.css,
# the console's style.css + console.css (members never download the console's styles).
minify_css() { perl -0777 -pe 's{/\*.*?\*/}{}gs; s/^\s+//mg; s/\s*\n\s*/\n/g'; }
member_css="style-$(hash10 "$FRONTEND/style.css").css"
minify_css <"$FRONTEND/style.css" >"$STAGE/assets/$member_css"
cat "$FRONTEND/style.css" "$FRONTEND/console.css" >"$WORK/console.css"
console_css="console-style-$(hash10 "$WORK/console.css").css"
minify_css <"$WORK/console.css" >"$STAGE/assets/$console_css"

# place APP PREFIX INDEX CSS [TITLE]: the app's hashed assets and its index.html; sets FILES_<APP> to
# its wasm, js, css and boot script (what its first visit downloads, the index aside).
place() {
  local app=$1 prefix=$2 index=$3 css_name=$4 title=${5:-}
  local wasm_name js_name boot_name
  wasm_name="$prefix-$(hash10 "$WORK/$app/out/${app}_bg.wasm")_bg.wasm"
  js_name="$prefix-$(hash10 "$WORK/$app/out/$app.js").js"
  cp "$WORK/$app/out/${app}_bg.wasm" "$STAGE/assets/$wasm_name"
  cp "$WORK/$app/out/$app.js" "$STAGE/assets/$js_name"
  sed -e "s|{{JS}}|$js_name|g" -e "s|{{WASM}}|$wasm_name|g" "$FRONTEND/boot.js" >"$WORK/boot.js"
  boot_name="$prefix-boot-$(hash10 "$WORK/boot.js").js"
  mv "$WORK/boot.js" "$STAGE/assets/$boot_name"
  sed -e "s|{{JS}}|$js_name|g" -e "s|{{WASM}}|$wasm_name|g" \
    -e "s|{{CSS}}|$css_name|g" -e "s|{{BOOT}}|$boot_name|g" \
    "$FRONTEND/index.html" >"$STAGE/$index"
  # The console names itself in the tab (the member app keeps frontend/index.html's title).
  if [ -n "$title" ]; then
    sed -i -e "s|<title>[^<]*</title>|<title>$title</title>|" "$STAGE/$index"
  fi
  if grep -q '{{' "$STAGE/$index" "$STAGE/assets/$boot_name"; then
    echo "unreplaced placeholder in $index or $boot_name" >&2
    exit 1
  fi
  printf -v "FILES_$app" '%s' "$wasm_name $js_name $css_name $boot_name"
}
place member beacon index.html "$member_css"
place console console console/index.html "$console_css" '灯塔 · 管理后台'


for f in "$STAGE/index.html" "$STAGE/console/index.html" "$STAGE"/assets/*; do
  zopfli "$f"
done

# Swap in the new build; stale files go with the old folder.
rm -rf "$DIST.old"
if [ -d "$DIST" ]; then mv "$DIST" "$DIST.old"; fi
mv "$STAGE" "$DIST"
rm -rf "$DIST.old"

# --- 5. sizes ---------------------------------------------------------------------------------
size() { stat -c %s "$1"; }
over=0
# report TITLE INDEX BUDGET FILES...: a table of the app's files; counts it over budget.
report() {
  local title=$1 index=$2 budget=$3 total=0 f raw gz
  shift 3
  printf '\n%s\n%-40s %10s %10s\n' "$title" "file" "raw" "gzipped"
  for f in "$@"; do
    raw=$(size "$DIST/assets/$f")
    gz=$(size "$DIST/assets/$f.gz")
    total=$((total + gz))
    printf '%-40s %10s %10s\n' "$f" "$raw" "$gz"
  done
  printf '%-40s %10s %10s\n' "$index" "$(size "$DIST/$index")" "$(size "$DIST/$index.gz")"
  printf '%-40s %10s %10s  (budget %s)\n' "total wasm+js+css (gzipped)" "" "$total" "$budget"
  if [ "$total" -gt "$budget" ]; then
    echo "$title is over its size budget: $total > $budget bytes gzipped" >&2
    over=1
  fi
}
# shellcheck disable=SC2086 # lists of file names
report "member app" index.html "$MEMBER_BUDGET" $FILES_member
# shellcheck disable=SC2086
report "console (/admin)" console/index.html "$CONSOLE_BUDGET" $FILES_console
echo
exit "$over"
