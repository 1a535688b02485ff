/**
 * The installed package in a Next.js 16 app (no plugin, no Turbopack or
 * webpack rule, no copy step), built offline with `next build --webpack`
 * and run with `next start`. (Next 16's default bundler, Turbopack, stalled
 * here without output or CPU use after "Creating an optimized production
 * build" — see the report of issue #19; webpack builds in about 1–2.5 min.) a client component on the page and in the package's module
 * Worker (in Chromium), and a route handler on the Node.js runtime answering
 * over HTTP, checked against brute force.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { hasChromium, launch, SKIP_REASON, type Browser } from '../browser/harness.js';
import { expectAppWorks } from './app-check.js';
import { cleanEnv, consumerProject, freePort, removeDir, waitForHttp } from './pack.js';

const env = { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: '1', NEXT_IGNORE_INCORRECT_LOCKFILE: '1' };

describe.skipIf(!hasChromium)(hasChromium ? 'installed package in a Next.js app' : `installed package in a Next.js app (${SKIP_REASON})`, () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let origin = '';
  let log = '';
  let browser: Browser;
  beforeAll(async () => {
    dir = await consumerProject(inject('tarball'), 'next-app', ['next', 'react', 'react-dom']);
    const next = join(dir, 'node_modules/next/dist/bin/next');
    const built = spawnSync(process.execPath, [next, 'build', '--webpack'], { cwd: dir, env, encoding: 'utf8', timeout: 600_000 });
    if (built.status !== 0) throw new Error(`next build failed (${built.status ?? built.signal}):\n${built.stdout}\n${built.stderr}`);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [next, 'start', '--hostname', '127.0.0.1', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (log += String(d)));
    server.stderr!.on('data', (d: Buffer) => (log += String(d)));
    await waitForHttp(origin, server, () => log);
    browser = await launch(origin);
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    server?.kill();
    await removeDir(dir);
  });

  test('route handler (Node.js runtime): exact nearest = brute force, text with the default model', async () => {
    const vectors = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7]);
    const query = [0.2, -0.5, 0.6];
    const truth = vectors
      .map((v, i) => ({ i, d: v.reduce((s, x, j) => s + (x - query[j]!) ** 2, 0) }))
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .slice(0, 4)
      .map((h) => `v${h.i}`);
    const texts = [
      { id: 'bike', text: 'repairing a bike' },
      { id: 'bread', text: 'baking bread' },
      { id: 'tax', text: 'filing income taxes' },
    ];
    const res = await fetch(`${origin}/api/search`, { method: 'POST', body: JSON.stringify({ vectors, query, k: 4, texts, text: 'how do I fix my bicycle' }) });
    expect(res.status, log).toBe(200);
    const out = (await res.json()) as { hits: string[]; textHits: string[]; dim: number };
    expect(out.hits).toEqual(truth);
    expect(out.dim).toBe(256);
    expect(out.textHits[0]).toBe('bike');
  });

  test('client component: the page and the package worker search vectors and text', async () => {
    await expectAppWorks(browser, `${origin}/`);
  });
});
