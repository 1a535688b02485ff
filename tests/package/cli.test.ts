/**
 * The `minivectordb` bin from the packed package, installed into a fresh
 * project: `npx minivectordb --help`, then import, verify, search, export
 * (Parquet: an optional dependency installed with the package) and serve.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cleanEnv, consumerProject, removeDir } from './pack.js';

describe('installed CLI', () => {
  let dir: string;
  const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'minivectordb', ...args], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
  beforeAll(async () => {
    // fastify is an optional peer dependency: `npm install fastify` beside the package is the documented step.
    dir = await consumerProject(inject('tarball'), 'cli-consumer', ['fastify']);
  });
  afterAll(() => removeDir(dir));

  test('npx minivectordb --help lists the commands', () => {
    const r = npx(['--help']);
    expect(r.status).toBe(0);
    for (const command of ['import', 'export', 'inspect', 'verify', 'search', 'compact', 'serve']) expect(r.stdout).toContain(`  ${command} `);
  });

  test('import, verify, search and export from the installed bin', () => {
    const imported = npx(['import', 'records.jsonl', 'db.mvdb', '--json']);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 5, count: 5, dim: 4 });
    expect(npx(['verify', 'db.mvdb']).status).toBe(0);
    const hits = JSON.parse(npx(['search', 'db.mvdb', '--vector', '[1,0,0,0]', '-k', '2', '--exact']).stdout) as { id: string; distance: number }[];
    expect(hits.map((h) => h.id)).toEqual(['a', 'd']);
    expect(hits[1]!.distance).toBeCloseTo(0.02, 6); // l2 (squared): 0.1² + 0.1²
    expect(npx(['export', 'db.mvdb', 'out.parquet']).status).toBe(0);
    expect(readFileSync(join(dir, 'out.parquet')).subarray(0, 4).toString()).toBe('PAR1');
  });

  test('serve answers a search over HTTP (fastify installed)', async () => {
    const child = spawn(join(dir, 'node_modules', '.bin', 'minivectordb'), ['serve', 'db.mvdb', '--port', '0'], { cwd: dir, env: cleanEnv() });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = / on (http:\/\/\S+)/.exec(out);
          if (m !== null) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const res = await fetch(`${url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: [0, 0, 1, 0], k: 1 }) });
      expect(((await res.json()) as { hits: { id: string }[] }).hits[0]!.id).toBe('c');
    } finally {
      // Wait for it to exit: it releases its lock and may save on SIGTERM, and afterAll removes the folder.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM')) await exited;
    }
  });
});
