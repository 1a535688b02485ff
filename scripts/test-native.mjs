#!/usr/bin/env node
// Builds the native GoogleTest suite under AddressSanitizer + UndefinedBehaviorSanitizer
// (same C++ sources as the WebAssembly module) and runs it with ctest; then
// the parallel-build tests under ThreadSanitizer.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'build', 'native-sanitize');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) {
    console.error(`test-native: cannot run ${cmd}: ${r.error.message}. Install the toolchain: bash scripts/setup.sh`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(join(dir, 'CMakeCache.txt'))) {
  run('cmake', ['-S', '.', '-B', dir, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DMVDB_SANITIZE=ON']);
}
run('cmake', ['--build', dir, '-j2']);
run('ctest', ['--test-dir', dir, '--output-on-failure', '-j2']);

// The parallel build's tests once more under ThreadSanitizer (a data race
// makes the binary exit non-zero, so ctest fails).
const tsan = join(root, 'build', 'native-tsan');
if (!existsSync(join(tsan, 'CMakeCache.txt'))) {
  run('cmake', ['-S', '.', '-B', tsan, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DMVDB_TSAN=ON']);
}
run('cmake', ['--build', tsan, '-j2']);
run('ctest', ['--test-dir', tsan, '--output-on-failure', '-j2']);
