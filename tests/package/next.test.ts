/**
 * The installed package in a Next.js 16 app (no plugin, no Turbopack or
 * webpack rule, no copy step): a client component on the page and in the
 * package's module Worker (in Chromium), and a route handler on the Node.js
 * runtime answering over HTTP, checked against brute force and the default
 * model run in Node. Three ways: `next build` (Turbopack, Next 16's default)
 * + `next start`, `next build --webpack` + `next start`, and `next dev`
 * (Turbopack). Builds are killed after a time limit, so a bundler that hangs
 * fails here within minutes (Turbopack deadlocked on the package's worker
 * before js/src/worker/factory-loader.ts; vercel/next.js#97399).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bruteForce, describeInChromium, expectAppWorks, installConsumer, launch, referenceTextHits, runNode, startServer, type Browser, type Server } from './app-harness.js';
import { docs, textQuery } from './app-shared/data.js';
import { cleanEnv, removeDir } from './pack.js';

const env = { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: '1', NEXT_IGNORE_INCORRECT_LOCKFILE: '1' };

/** Per build: about 1 min with Turbopack, 1–2.5 min with webpack on a 2-core machine. */
const BUILD_TIMEOUT_MS = 300_000;

const MODES = [
  { name: 'next build (Turbopack, the default) + next start', build: ['build'], bundler: /\(Turbopack\)/, serve: 'start' },
  { name: 'next build --webpack + next start', build: ['build', '--webpack'], bundler: /\(webpack\)/, serve: 'start' },
  { name: 'next dev (Turbopack)', build: undefined, bundler: undefined, serve: 'dev' },
] as const;

describeInChromium('installed package in a Next.js app', () => {
  let dir: string;
  let next = '';
  beforeAll(async () => {
    dir = await installConsumer('next-app', ['next', 'react', 'react-dom'], 'app');
    next = join(dir, 'node_modules/next/dist/bin/next');
  });
  afterAll(() => removeDir(dir));

  for (const mode of MODES) {
    describe(mode.name, () => {
      let server: Server | undefined;
      let browser: Browser | undefined;
      beforeAll(async () => {
        if (mode.build !== undefined) {
          await rm(join(dir, '.next'), { recursive: true, force: true });
          const output = runNode([next, ...mode.build], dir, BUILD_TIMEOUT_MS, env);
          expect(output).toMatch(mode.bundler);
        }
        server = await startServer([next, mode.serve, '--hostname', '127.0.0.1', '--port', '{port}'], dir, env);
        browser = await launch(server.origin);
      }, BUILD_TIMEOUT_MS + 120_000);
      afterAll(async () => {
        await browser?.close();
        await server?.stop();
      });

      test('route handler (Node.js runtime): exact nearest = brute force, text = the default model in Node', async () => {
        const vectors = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7]);
        const query = [0.2, -0.5, 0.6];
        const res = await fetch(`${server!.origin}/api/search`, { method: 'POST', body: JSON.stringify({ vectors, query, k: 4, texts: docs, text: textQuery }), signal: AbortSignal.timeout(120_000) });
        expect(res.status, server!.log()).toBe(200);
        const out = (await res.json()) as { hits: string[]; textHits: string[]; textScores: number[]; dim: number };
        expect(out.hits).toEqual(bruteForce(vectors, query, 4));
        expect(out.dim).toBe(256);
        const text = await referenceTextHits();
        expect(out.textHits).toEqual(text.ids);
        out.textScores.forEach((s, i) => expect(s).toBeCloseTo(text.scores[i]!, 4));
      });

      test('client component: the page and the package worker search vectors and text', async () => {
        // next dev compiles the page and the worker on first request.
        await expectAppWorks(browser!, `${server!.origin}/`, mode.build === undefined ? 180_000 : 60_000);
      }, 240_000);
    });
  }
});
