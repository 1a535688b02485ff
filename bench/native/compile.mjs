// Compiles bench/native/hnswlib-driver.cpp against the hnswlib headers that
// ship inside the installed hnswlib-node package (never copied here) into
// build/bench-native/, once per flag set: rebuilt when the source, its
// vecs.hpp, the headers' folder or the flags change. Throws an Error whose message starts
// with "native driver unavailable" when g++ or the headers are missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDir, packageVersion } from '../systems/pkg.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'hnswlib-driver.cpp');
const reader = join(here, 'vecs.hpp');
const outDir = resolve(here, '..', '..', 'build', 'bench-native');

/** The two builds the bench reports: the machine's widest SIMD, and SSE2 only (x86-64 baseline). */
export const VARIANTS = {
  avx: ['-O3', '-march=native', '-DNDEBUG'],
  sse2: ['-O3', '-march=x86-64', '-msse2', '-mno-sse3', '-mno-ssse3', '-mno-sse4', '-mno-avx', '-mno-avx2', '-mno-avx512f', '-mno-fma', '-DNDEBUG'],
};

/** Folder holding hnswlib.h inside hnswlib-node, or null. */
export function hnswlibHeaders() {
  const dir = packageDir('hnswlib-node');
  const inc = dir && join(dir, 'src', 'hnswlib');
  return inc && existsSync(join(inc, 'hnswalg.h')) ? inc : null;
}

/**
 * Path of the compiled driver of `variant` ('avx' | 'sse2'), compiling it if needed.
 * @returns {{ path: string, version: string, compiler: string }}
 */
export function driverBinary(variant, log = () => {}) {
  const flags = VARIANTS[variant];
  if (!flags) throw new Error(`unknown native variant ${variant}`);
  const inc = hnswlibHeaders();
  if (!inc) throw new Error('native driver unavailable: hnswlib headers not found (hnswlib-node is not installed; run npm ci)');
  const gxx = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  if (gxx.error || gxx.status !== 0) throw new Error('native driver unavailable: g++ not found (bash scripts/setup-bench.sh installs it)');
  const compiler = gxx.stdout.split('\n')[0];
  const version = `hnswlib-node ${packageVersion('hnswlib-node')} headers; ${compiler}`;
  const bin = join(outDir, `hnswlib-driver-${variant}`);
  const args = ['-std=c++17', ...flags, '-I', inc, source, '-o', bin];
  const stamp = JSON.stringify({ args, sourceMtime: statSync(source).mtimeMs, readerMtime: statSync(reader).mtimeMs, headerMtime: statSync(join(inc, 'hnswalg.h')).mtimeMs });
  const stampPath = `${bin}.stamp`;
  if (existsSync(bin) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return { path: bin, version, compiler };
  mkdirSync(outDir, { recursive: true });
  log(`compiling ${bin} (g++ ${flags.join(' ')})`);
  const out = spawnSync('g++', args, { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`native driver unavailable: g++ failed: ${(out.stderr || String(out.error)).slice(0, 500)}`);
  writeFileSync(stampPath, stamp);
  return { path: bin, version, compiler };
}
