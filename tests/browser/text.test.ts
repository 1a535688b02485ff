/**
 * The default text model in Chromium, offline: MiniVectorDB.create() with no
 * options, insert texts, search; plus a screenshot of the results page
 * (kept in $MVDB_SCREENSHOTS when set, else in a temp folder removed afterwards).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasChromium, SKIP_REASON, spec, useTestApp } from './harness.js';

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: default text model' : `Chromium: default text model (${SKIP_REASON})`, () => {
  const app = useTestApp();
  let shots: string;
  beforeAll(async () => {
    shots = process.env.MVDB_SCREENSHOTS ?? (await mkdtemp(join(tmpdir(), 'mvdb-shots-')));
  });
  afterAll(async () => {
    if (shots !== undefined && process.env.MVDB_SCREENSHOTS === undefined) await rm(shots, { recursive: true, force: true });
  });

  test("'how do I fix my bicycle' finds 'repairing a bike' first, with no network", async () => {
    const { page } = app.browser;
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const r = await spec<{ dim: number; metric: string; hits: { id: string; score: number }[] }>(page, 'text');
    expect(r.dim).toBe(256);
    expect(r.metric).toBe('cosine');
    expect(r.hits.map((h) => h.id)[0]).toBe('bike');
    expect(r.hits).toHaveLength(5);
    expect(r.hits[0]!.score).toBeGreaterThan(r.hits[1]!.score);
    // The model and onnxruntime came from the local server (Vite-emitted assets).
    expect(requests.some((p) => p.endsWith('.onnx'))).toBe(true);
    expect(requests.some((p) => /ort-wasm.*\.wasm$/.test(p))).toBe(true);
    expect(app.browser.offsite).toEqual([]);
    expect(app.browser.errors).toEqual([]);

    // Screenshot of the rendered results, decoded by the browser: not blank.
    expect(await page.textContent('#title')).toBe('search: how do I fix my bicycle');
    expect(await page.textContent('#results')).toContain('repairing a bike');
    const file = join(shots, 'text-results.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const stats = await spec<{ width: number; height: number; colours: number; nonBackground: number }>(page, 'imageStats', png.toString('base64'));
    expect(stats.width).toBe(900);
    expect(stats.colours).toBeGreaterThan(8);
    expect(stats.nonBackground).toBeGreaterThan(0.01);
  });
});
