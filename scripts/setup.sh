#!/usr/bin/env bash
# Installs what building and testing MiniVectorDB needs on Debian (bookworm):
# Emscripten, CMake, g++, GoogleTest, SIMDe, clang and libFuzzer (for npm run
# fuzz) and Chromium (for npm run test:browser and the demo's tests) from apt
# (only those missing), fetches the apt package lists when there are none (the
# web demo's corpus is their package descriptions: scripts/demo/extract-packages.mjs),
# then the npm packages from package-lock.json. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v em++ >/dev/null 2>&1 || need+=(emscripten)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
[ -f /usr/include/gtest/gtest.h ] || need+=(libgtest-dev)
[ -f /usr/include/simde/wasm/simd128.h ] || need+=(libsimde-dev)
[ -f /usr/share/wordnet/data.noun ] || need+=(wordnet-base)
[ -f /usr/share/dict/american-english ] || need+=(wamerican)
command -v clang++ >/dev/null 2>&1 || need+=(clang)
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null || need+=(libclang-rt-14-dev)
[ -x /usr/bin/chromium ] || need+=(chromium)

# Package lists: fresh containers often ship without them (apt-cache dumpavail prints nothing).
lists=1
[ -n "$(apt-cache dumpavail 2>/dev/null | head -c 1)" ] || lists=0

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
if [ ${#need[@]} -gt 0 ] || [ "$lists" = 0 ]; then
  echo "setup: apt-get update"
  $sudo apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

npm ci --no-audit --no-fund
