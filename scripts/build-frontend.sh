#!/usr/bin/env bash
# Builds the optimized frontend into frontend/dist, twice from the one `frontend` crate:
#   the member app (members' phones): index.html, assets/beacon-boot-<hash>.js and the
#     folder assets/beacon-<hash>/ (beacon.js, beacon_bg.wasm, __wasm_split.js and the
#     pages' chunks split_<name>.wasm / chunk_<n>.wasm, fetched when first shown);
#   the organizer/admin console (cargo feature `console`, served under /admin/):
#     console/index.html, assets/console-boot-<hash>.js, assets/console-<hash>/ (the same);
#   and their stylesheets, assets/style-<hash>.css (member) and assets/console-style-<hash>.css
#   (style.css + console.css). Each file is also gzip-compressed
#   (.gz, by zopfli) for the server to send when accepted.
# Code splitting: the functions marked `#[wasm_split(...)]` in frontend/src/app.rs (the pages
# outside the first download) are cut out by wasm-split-cli into chunks of their own.
# Prints both apps' sizes and fails when one is over its budget: what the first visit
# downloads (gzipped wasm + js + css; the chunks are listed beside it), the member app
# 200,000 bytes, the console 320,000.
# Installs what is missing first (wasm32 target, wasm-bindgen-cli at the Cargo.lock version,
# wasm-split-cli, wasm-opt from the npm package `binaryen` and terser in tools/). Run from any
# directory; rebuilds are incremental (cargo, and the split + bindgen + wasm-opt step is
# skipped when the wasm is unchanged).
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

# wasm-split-cli cuts the `#[wasm_split]` functions into chunks. Its magic constants must
# match the wasm_split_helpers crate the app links (Cargo.lock), hence one pinned version.
SPLIT_VERSION=0.2.4
if ! cargo install --list | grep -qx "wasm_split_cli_support v$SPLIT_VERSION:"; then
  say "installing wasm-split-cli $SPLIT_VERSION"
  cargo install wasm_split_cli_support --version "$SPLIT_VERSION" --features build-binary --locked ||
    cargo install wasm_split_cli_support --version "$SPLIT_VERSION" --features build-binary
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
# --emit-relocs keeps the linker's relocations, which wasm-split needs to cut the module.
flags="--cfg erase_components -C link-args=--emit-relocs"
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
WASM_FEATURES="--enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-multivalue"

# optimize APP: $WORK/APP.wasm -> $WORK/APP/out/: APP.js (with the wasm-bindgen glue),
# APP_bg.wasm (the first download), __wasm_split.js (the chunk loader) and the chunks.
optimize() {
  local app=$1 out="$WORK/$1"
  local stamp f
  stamp="$(sha256sum "$WORK/$app.wasm" | cut -d' ' -f1) $want $SPLIT_VERSION $("$WASM_OPT" --version) $OPT_FLAGS $("$TERSER" --version)"
  if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
    [ -f "$out/out/$app.js" ] && [ -f "$out/out/${app}_bg.wasm" ]; then
    say "$app: wasm unchanged, reusing the optimized build"
    return
  fi
  say "$app: wasm-split, wasm-bindgen + wasm-opt $OPT_FLAGS"
  rm -rf "$out"
  mkdir -p "$out/split" "$out/out"
  wasm-split-cli --target web --out-name "$app" "$WORK/$app.wasm" "$out/split"
  # The chunks call into the main module by its linker exports and mangled names.
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$out/bindgen" --out-name "$app" "$out/split/$app.wasm"
  # shellcheck disable=SC2086 # the flags are words
  "$WASM_OPT" $OPT_FLAGS $WASM_FEATURES "$out/bindgen/${app}_bg.wasm" -o "$out/out/${app}_bg.wasm" \
    2> >(grep -v 'unknown name subsection' >&2)
  for f in "$out"/split/*.wasm; do
    [ "$(basename "$f")" = "$app.wasm" ] && continue
    # wasm-split writes a names subsection wasm-opt does not know (and strips): no warning.
    # shellcheck disable=SC2086
    "$WASM_OPT" $OPT_FLAGS $WASM_FEATURES "$f" -o "$out/out/$(basename "$f")" \
      2> >(grep -v 'unknown name subsection' >&2)
  done
  # The JS ships minified: about 1.8 KB less gzipped for the member app.
  "$TERSER" "$out/bindgen/$app.js" --module --compress --mangle -o "$out/out/$app.js"
  "$TERSER" "$out/split/__wasm_split.js" --module --compress --mangle -o "$out/out/__wasm_split.js"
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

# place APP PREFIX INDEX CSS [TITLE]: the app's folder assets/PREFIX-<hash>/ (named by the hash of
# everything in it: the chunks' loader refers to the files by their plain names), its boot
# script and index.html; sets FILES_<APP> to what its first visit downloads (the index aside)
# and CHUNKS_<APP> to the chunks fetched when their pages are first shown.
place() {
  local app=$1 prefix=$2 index=$3 css_name=$4 title=${5:-}
  local dir js_name wasm_name boot_name chunks f
  dir="$prefix-$(cd "$WORK/$app/out" && sha256sum -- * | sha256sum | cut -c1-10)"
  cp -r "$WORK/$app/out" "$STAGE/assets/$dir"
  js_name="$dir/$app.js"
  wasm_name="$dir/${app}_bg.wasm"
  local worker=""
  [ "$app" = member ] && worker="/sw.js"
  sed -e "s|{{JS}}|$js_name|g" -e "s|{{WASM}}|$wasm_name|g" -e "s|{{SW}}|$worker|g" \
    "$FRONTEND/boot.js" >"$WORK/boot.js"
  boot_name="$prefix-boot-$(hash10 "$WORK/boot.js").js"
  mv "$WORK/boot.js" "$STAGE/assets/$boot_name"
  sed -e "s|{{JS}}|$js_name|g" -e "s|{{WASM}}|$wasm_name|g" \
    -e "s|{{CSS}}|$css_name|g" -e "s|{{BOOT}}|$boot_name|g" -e "s|{{SPLIT}}|$dir/__wasm_split.js|g" \
    "$FRONTEND/index.html" >"$STAGE/$index"
  # The console names itself in the tab (the member app keeps frontend/index.html's title).
  if [ -n "$title" ]; then
    sed -i -e "s|<title>[^<]*</title>|<title>$title</title>|" -e '/rel="manifest"/d' "$STAGE/$index"
  fi
  if grep -q '{{' "$STAGE/$index" "$STAGE/assets/$boot_name"; then
    echo "unreplaced placeholder in $index or $boot_name" >&2
    exit 1
  fi
  chunks=""
  for f in "$STAGE/assets/$dir"/*.wasm; do
    [ "$(basename "$f")" = "${app}_bg.wasm" ] || chunks="$chunks $dir/$(basename "$f")"
  done
  printf -v "FILES_$app" '%s' "$wasm_name $js_name $dir/__wasm_split.js $css_name $boot_name"
  printf -v "CHUNKS_$app" '%s' "$chunks"
}
place member beacon index.html "$member_css"
place console console console/index.html "$console_css" '灯塔 · 管理后台'

# The member app installs to the home screen and opens offline: its manifest and icons, and a
# service worker that caches every file of the member build (page chunks too) under a version
# made of their content-hashed names, so a new build replaces the old cache.
cp "$FRONTEND/manifest.webmanifest" "$STAGE/"
cp -r "$FRONTEND/icons" "$STAGE/icons"
shell_files="/ /manifest.webmanifest"
for f in $FILES_member $CHUNKS_member; do shell_files="$shell_files /assets/$f"; done
for f in "$STAGE"/icons/*.png; do shell_files="$shell_files /icons/$(basename "$f")"; done
sw_version=$( (echo "$shell_files"; cat "$STAGE/index.html") | sha256sum | cut -c1-10)
sw_list=$(printf "'%s', " $shell_files)
sed -e "s|{{VERSION}}|$sw_version|g" -e "s|{{FILES}}|${sw_list%, }|g" "$FRONTEND/sw.js" >"$STAGE/sw.js"
if grep -q '{{' "$STAGE/sw.js"; then
  echo "unreplaced placeholder in sw.js" >&2
  exit 1
fi

find "$STAGE" -type f -exec zopfli {} \;

# Swap in the new build; stale files go with the old folder.
rm -rf "$DIST.old"
if [ -d "$DIST" ]; then mv "$DIST" "$DIST.old"; fi
mv "$STAGE" "$DIST"
rm -rf "$DIST.old"

# --- 5. sizes ---------------------------------------------------------------------------------
size() { stat -c %s "$1"; }
over=0
# report TITLE INDEX BUDGET "FILES" "CHUNKS": a table of what the app's first visit downloads,
# counted against the budget, then its chunks' total; counts it over budget.
report() {
  local title=$1 index=$2 budget=$3 files=$4 chunks=$5 total=0 n=0 chunk_raw=0 chunk_gz=0 f raw gz
  printf '\n%s\n%-48s %10s %10s\n' "$title" "file" "raw" "gzipped"
  for f in $files; do
    raw=$(size "$DIST/assets/$f")
    gz=$(size "$DIST/assets/$f.gz")
    total=$((total + gz))
    printf '%-48s %10s %10s\n' "$f" "$raw" "$gz"
  done
  printf '%-48s %10s %10s\n' "$index" "$(size "$DIST/$index")" "$(size "$DIST/$index.gz")"
  printf '%-48s %10s %10s  (budget %s)\n' "first visit: wasm+js+css (gzipped)" "" "$total" "$budget"
  for f in $chunks; do
    n=$((n + 1))
    chunk_raw=$((chunk_raw + $(size "$DIST/assets/$f")))
    chunk_gz=$((chunk_gz + $(size "$DIST/assets/$f.gz")))
  done
  printf '%-48s %10s %10s\n' "$n chunks, fetched as their pages are opened" "$chunk_raw" "$chunk_gz"
  if [ "$total" -gt "$budget" ]; then
    echo "$title is over its size budget: $total > $budget bytes gzipped" >&2
    over=1
  fi
}
report "member app" index.html "$MEMBER_BUDGET" "$FILES_member" "$CHUNKS_member"
report "console (/admin)" console/index.html "$CONSOLE_BUDGET" "$FILES_console" "$CHUNKS_console"
echo
exit "$over"
