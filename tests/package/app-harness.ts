/**
 * The scaffolding every bundled consumer app test shares (Vite build and dev
 * server, webpack, Next.js with Turbopack and webpack): install the packed
 * tarball (packed once by global-setup.ts) into a fresh project, run its
 * bundler with a time limit, serve it or start its server, open the page in
 * Chromium offline, and check what app-shared/run.js reports against
 * references computed here in Node: brute-force k-NN, and the default model
 * run by this repository's built package (another runtime: onnxruntime-web in
 * Node instead of the browser's).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject } from 'vitest';
import { hasChromium, launch, serve, SKIP_REASON, type Browser } from '../browser/harness.js';
import { docs, knnData, textQuery } from './app-shared/data.js';
import { cleanEnv, consumerProject, freePort, root, waitForHttp } from './pack.js';

export { launch, type Browser };

/** `describe`, skipped (with the reason in its name) where Chromium is missing. */
export function describeInChromium(name: string, body: () => void): void {
  describe.skipIf(!hasChromium)(hasChromium ? name : `${name} (${SKIP_REASON})`, body);
}

/**
 * A fresh project from tests/package/<template>/ with the tarball and
 * `devDependencies` (at this repo's versions) installed, and the shared app
 * code (app-shared/run.js, data.js) copied into `<dir>/<sharedInto>`.
 */
export async function installConsumer(template: string, devDependencies: string[], sharedInto = '.'): Promise<string> {
  const dir = await consumerProject(inject('tarball'), template, devDependencies);
  await cp(join(root, 'tests/package/app-shared'), join(dir, sharedInto), { recursive: true });
  return dir;
}

/**
 * Runs `node <args>` in `dir` and returns its output; throws with the output
 * when it fails or outlives `timeoutMs` (then it is killed: a bundler that
 * hangs fails the test instead of holding CI until the job's limit).
 */
export function runNode(args: string[], dir: string, timeoutMs: number, env: NodeJS.ProcessEnv = cleanEnv()): string {
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(`node ${args.join(' ')} did not finish within ${timeoutMs} ms (killed after ${Date.now() - started} ms); its output:\n${output}`);
  }
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status ?? r.signal}):\n${output}`);
  return output;
}

export interface Server {
  origin: string;
  /** Everything the server printed so far. */
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts `node <args>` in `dir` as a server (`{port}` in `args` becomes a free port) and waits until it answers HTTP. */
export async function startServer(args: string[], dir: string, env: NodeJS.ProcessEnv = cleanEnv(), readyTimeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, args.map((a) => a.replace('{port}', String(port))), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += String(d)));
  child.stderr.on('data', (d: Buffer) => (log += String(d)));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await waitForHttp(origin, child, () => log, readyTimeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { origin, log: () => log, stop };
}

/** Serves the static folder `dir` on 127.0.0.1. */
export async function serveStatic(dir: string): Promise<Server> {
  const s = await serve(dir);
  return { origin: s.origin, log: () => '', stop: s.close };
}

/** Squared L2 distance in float64 of the float32 values the database stores. */
function l2(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, j) => s + (Math.fround(x) - Math.fround(b[j]!)) ** 2, 0);
}

/** The ids of the `k` vectors nearest to `query` (L2), by scanning all of them; ties by position. */
export function bruteForce(vectors: readonly (readonly number[])[], query: readonly number[], k: number, id = (i: number) => `v${i}`): string[] {
  const ranked = vectors.map((v, i) => ({ i, d: l2(v, query) })).sort((a, b) => a.d - b.d || a.i - b.i);
  // The reference must be unambiguous: no tie at the k-th place.
  if (ranked.length > k) expect(ranked[k]!.d - ranked[k - 1]!.d).toBeGreaterThan(1e-9);
  return ranked.slice(0, k).map((h) => id(h.i));
}

interface TextReference {
  ids: string[];
  scores: number[];
}
let textReference: Promise<TextReference> | undefined;

/** The default model run in this process by the repository's built package: cosine similarities of the docs to the query, best first. */
export function referenceTextHits(): Promise<TextReference> {
  textReference ??= (async () => {
    const { createEmbedder } = await import('minivectordb');
    const embedder = await createEmbedder();
    try {
      const [q, ...d] = await embedder.embed([textQuery, ...docs.map((x) => x.text)]);
      const cos = (a: Float32Array, b: Float32Array): number => {
        let dot = 0, na = 0, nb = 0;
        a.forEach((x, i) => ((dot += x * b[i]!), (na += x * x), (nb += b[i]! * b[i]!)));
        return dot / Math.sqrt(na * nb);
      };
      const ranked = docs.map((x, i) => ({ id: x.id, s: cos(q!, d[i]!) })).sort((a, b) => b.s - a.s);
      return { ids: ranked.map((r) => r.id), scores: ranked.map((r) => r.s) };
    } finally {
      await embedder.dispose();
    }
  })();
  return textReference;
}

interface RunResult {
  knn: string[][];
  hits: string[];
  scores: number[];
  dim: number;
  size: number;
}
interface AppResult {
  page?: RunResult;
  worker?: RunResult & { phases: string[] };
  error?: string;
}

/**
 * Opens `url` in `browser` and checks what app-shared/run.js reports, on the
 * page and in the worker: exact k-NN = brute force, the text hits and their
 * scores = the default model run in Node, no page or console error, nothing
 * fetched from anywhere but the local server.
 */
export async function expectAppWorks(browser: Browser, url: string, resultTimeoutMs = 60_000): Promise<void> {
  const { page } = browser;
  await page.goto(url);
  await page.waitForFunction('window.result !== undefined', undefined, { timeout: resultTimeoutMs });
  const result = (await page.evaluate('window.result')) as AppResult;
  expect(result.error).toBeUndefined();
  const { items, queries, k } = knnData();
  const truth = queries.map((q) => bruteForce(items.map((it) => it.vector), q, k));
  const text = await referenceTextHits();
  for (const [where, r] of [['page', result.page], ['worker', result.worker]] as const) {
    expect(r?.size, where).toBe(items.length);
    expect(r?.knn, where).toEqual(truth);
    expect(r?.dim, where).toBe(256);
    expect(r?.hits, where).toEqual(text.ids);
    expect(r?.hits[0], where).toBe('bike');
    r?.scores.forEach((s, i) => expect(s, `${where} score ${i}`).toBeCloseTo(text.scores[i]!, 4));
  }
  // The worker embedded (and reported progress) itself.
  expect(result.worker?.phases).toEqual(['embed', 'insert']);
  await expect.poll(() => page.textContent('#status')).toBe('done'); // React may render it a moment after the result
  expect(browser.errors).toEqual([]);
  expect(browser.offsite).toEqual([]);
}
