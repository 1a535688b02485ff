#!/usr/bin/env node
// Fuzzes the snapshot loader with libFuzzer (tests/fuzz/snapshot_fuzzer.cpp):
//   1. builds the harness natively with clang under ASan + UBSan → build/fuzz/
//      (CMake option MVDB_FUZZ; incremental);
//   2. writes the seed corpus (real snapshots from make_snapshot_seeds) → build/fuzz/seeds/;
//   3. replays the committed regression inputs (tests/fuzz/regressions/);
//   4. fuzzes for --seconds (default 60), keeping new inputs in build/fuzz/corpus/
//      and any crashing input in build/fuzz/crashes/.
// Exits non-zero on any crash, sanitizer report or broken invariant.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'build', 'fuzz');
const HELP = `Usage: npm run fuzz -- [options]     (or: node scripts/fuzz.mjs [options])

Builds the libFuzzer harness of the snapshot loader with clang (ASan + UBSan)
into build/fuzz/, replays tests/fuzz/regressions/, then fuzzes.

Options:
  --seconds N   how long to fuzz (default 60)
  --jobs N      parallel fuzzing processes (default 1)
  --fresh       start from the seeds only (drop build/fuzz/corpus/)
  -h, --help    show this help
Environment: CXX picks the compiler (default: clang++, else clang++-14).`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    jobs: { type: 'string', default: '1' },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const seconds = Number(values.seconds);
const jobs = Number(values.jobs);
if (!Number.isInteger(seconds) || seconds < 1 || !Number.isInteger(jobs) || jobs < 1) {
  console.error(`fuzz: --seconds and --jobs must be positive integers\n\n${HELP}`);
  process.exit(2);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.error) {
    console.error(`fuzz: cannot run ${cmd}: ${r.error.message}. Install the toolchain: bash scripts/setup.sh`);
    process.exit(1);
  }
  return r.status ?? 1;
}

function findCompiler() {
  for (const cxx of [process.env.CXX, 'clang++', 'clang++-14'].filter(Boolean)) {
    const r = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && /clang/i.test(r.stdout)) return cxx;
  }
  console.error('fuzz: clang++ not found (libFuzzer needs clang). Install it: bash scripts/setup.sh');
  process.exit(1);
}

if (!existsSync(join(dir, 'CMakeCache.txt'))) {
  const cxx = findCompiler();
  const status = run('cmake', ['-S', '.', '-B', dir, `-DCMAKE_CXX_COMPILER=${cxx}`, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DMVDB_SANITIZE=ON', '-DMVDB_FUZZ=ON']);
  if (status !== 0) {
    rmSync(join(dir, 'CMakeCache.txt'), { force: true });
    process.exit(status);
  }
}
if (run('cmake', ['--build', dir, '--target', 'snapshot_fuzzer', 'make_snapshot_seeds', '-j2']) !== 0) {
  console.error('fuzz: build failed (libFuzzer missing? Debian: libclang-rt-14-dev; bash scripts/setup.sh installs it)');
  process.exit(1);
}

const fuzzer = join(dir, 'snapshot_fuzzer');
const seeds = join(dir, 'seeds');
const corpus = join(dir, 'corpus');
const crashes = join(dir, 'crashes');
rmSync(seeds, { recursive: true, force: true });
if (values.fresh) rmSync(corpus, { recursive: true, force: true });
for (const d of [seeds, corpus, crashes]) mkdirSync(d, { recursive: true });
if (run(join(dir, 'make_snapshot_seeds'), [seeds]) !== 0) process.exit(1);

const regressions = join(root, 'tests', 'fuzz', 'regressions');
const replay = existsSync(regressions) ? readdirSync(regressions).map((f) => join(regressions, f)) : [];
if (replay.length > 0) {
  console.log(`fuzz: replaying ${replay.length} regression input(s)`);
  if (run(fuzzer, replay) !== 0) {
    console.error('fuzz: a regression input fails again');
    process.exit(1);
  }
}

console.log(`fuzz: fuzzing the snapshot loader for ${seconds} s (${jobs} job(s)); corpus ${corpus}`);
const args = [
  corpus,
  seeds,
  `-dict=${join(root, 'tests', 'fuzz', 'snapshot.dict')}`,
  `-max_total_time=${seconds}`,
  '-max_len=16384',
  '-timeout=10',
  '-rss_limit_mb=2048',
  `-artifact_prefix=${crashes}/`,
  '-print_final_stats=1',
];
if (jobs > 1) args.push(`-fork=${jobs}`);
const status = run(fuzzer, args, { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' } });
if (status !== 0) {
  console.error(`fuzz: FAILED (exit ${status}); the crashing input is in ${crashes}/ — reproduce with ${fuzzer} <file>`);
  process.exit(1);
}
console.log(`fuzz: no crash in ${seconds} s; corpus holds ${readdirSync(corpus).length} inputs`);
