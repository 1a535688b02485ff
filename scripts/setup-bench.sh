#!/usr/bin/env bash
# Installs what `npm run bench` and `npm run bench:browser` need on Debian
# (bookworm): the build toolchain (scripts/setup.sh), g++/make/python3 for
# hnswlib-node's node-gyp build, and Debian's Chromium for the in-browser
# part (driven by playwright-core; no browser download). Then `npm ci`,
# which compiles hnswlib-node (allowed in package.json "allowScripts"; an
# optional dependency, so a failed compile does not fail the install).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  echo "setup-bench: installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Emscripten, CMake, GoogleTest, SIMDe, then npm ci.
bash scripts/setup.sh

if node -e "require('hnswlib-node')" >/dev/null 2>&1; then
  echo "setup-bench: hnswlib-node built"
else
  echo "setup-bench: hnswlib-node is not usable (its node-gyp build failed or was skipped); the bench will report it and go on" >&2
fi
/usr/bin/chromium --version 2>/dev/null || echo "setup-bench: no /usr/bin/chromium; --browser will be skipped" >&2
