#!/usr/bin/env bash
# Builds the deployment artifact: target/release/beacon-VERSION-linux-x86_64.tar.gz holding
# the release `beacon` binary and the optimized frontend under frontend/dist, so that
# `./beacon serve` run from the unpacked folder serves the app and the API on one port.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-frontend.sh
cargo build --release -p backend --bin beacon
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
name="beacon-$version-linux-x86_64"
stage="target/release/$name"
rm -rf "$stage"
mkdir -p "$stage/frontend"
cp target/release/beacon "$stage/"
cp -r frontend/dist "$stage/frontend/dist"
cp README.md "$stage/"
cp -r seeds question-bank "$stage/"  # study material and questions, loaded at start
tar -C target/release -czf "target/release/$name.tar.gz" "$name"
echo "built target/release/$name.tar.gz"
