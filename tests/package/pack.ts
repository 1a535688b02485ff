/**
 * Packs the package once (`npm pack --ignore-scripts`: the test script has
 * just built dist/) and installs the tarball into fresh consumer projects
 * from the npm cache that `npm ci` filled (`--prefer-offline`: the registry
 * is asked only for what the cache lacks — `npm ci` may cache a package's
 * metadata in another form than a consumer's install asks for, which made
 * `--offline` fail on a fresh machine with ENOTCACHED for @types/node).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The environment without npm's run-script variables (npm_config_local_prefix would point nested npm at this repo). */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

export function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Packs the built package into a temp folder; returns the tarball path. */
export async function pack(): Promise<string> {
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/wasm/minivectordb_core.wasm', 'dist/models/wordnet-256/onnx/model.onnx']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run node scripts/build.mjs first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mvdb-pack-'));
  const out = JSON.parse(npm(['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], root)) as { filename: string }[];
  return join(dir, out[0]!.filename);
}

/**
 * A fresh project holding the files of tests/package/<template>/, with the
 * tarball installed by `npm install --prefer-offline`, plus `devDependencies` named
 * here at this repo's versions. @types/node is always pinned to ours:
 * protobufjs (under onnxruntime-web) asks for any @types/node, and the one
 * in the cache is taken rather than the registry's latest.
 */
export async function consumerProject(tarball: string, template: string, devDependencies: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mvdb-consumer-'));
  const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
  const dev = Object.fromEntries(['@types/node', ...devDependencies].map((name) => [name, ours.devDependencies[name] ?? ours.optionalDependencies![name]!]));
  const pkg = { name: 'consumer', version: '1.0.0', private: true, type: 'module', devDependencies: dev };
  await cp(join(root, 'tests/package', template), dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir);
  return dir;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  // Retries: a server stopped a moment ago may still be removing its files (ENOTEMPTY).
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** A TCP port free on 127.0.0.1 right now, for a server started by a test. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Waits until `origin` answers HTTP (any status), at most `timeoutMs`; fails early if `child` exits. */
export async function waitForHttp(origin: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}:\n${log()}`);
    try {
      await fetch(origin);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${origin} did not answer within ${timeoutMs} ms:\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
