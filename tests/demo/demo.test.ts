/**
 * The web demo in Chromium, over this machine's full corpus (every package in
 * its apt lists): first visit builds the index with a progress bar; search
 * agrees with exact search computed in Node; the mode select switches hybrid / vector / BM25; the section filter narrows; your own text is found and
 * survives a reload; a reload restores from IndexedDB without embedding
 * anything; screenshots (desktop and phone width) are not blank; a switch to a
 * Hugging Face model id (the tiny BERT fixture on a local hub-like server)
 * rebuilds the index with it. Screenshots are kept in build/demo-screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDemoSite } from '../../scripts/demo/build-site.mjs';
import { serveStatic } from '../../scripts/lib/static-server.mjs';
import { imageStats } from '../shared/image-stats.mjs';
import { hasChromium, launch, root, SKIP_REASON, type Browser } from '../browser/harness.js';
import type { DemoStatus } from '../../web-demo/src/status.js';
import { startModelServer, tempDir, TINY_BERT, type ModelServer } from '../js/embed/helpers.js';

type Demo = DemoStatus;

const SHOTS = join(root, 'build', 'demo-screenshots');
const TINY_ID = 'test-org/tiny-bert';

describe.skipIf(!hasChromium)(hasChromium ? 'web demo in Chromium' : `web demo in Chromium (${SKIP_REASON})`, () => {
  const dir = tempDir('demo');
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let models: ModelServer;
  let browser: Browser;
  let corpusCount: number;
  const requests: string[] = [];

  const page = () => browser.page;
  const demo = () => page().evaluate('window.__demo') as Promise<Demo>;
  const waitReady = (model = 'wordnet-256') =>
    page().waitForFunction(
      (m) => {
        const d = (window as unknown as { __demo?: Demo }).__demo;
        return d?.state === 'error' || (d?.state === 'ready' && d.model === m && d.count !== undefined);
      },
      model,
      { timeout: 240_000, polling: 250 },
    );
  /** Types a query (and picks a section) the way a user does, then waits for its results. */
  async function search(query: string, section = ''): Promise<NonNullable<Demo['lastSearch']>> {
    await page().selectOption('#section', section);
    await page().fill('#query', query);
    await page().waitForFunction(
      ([q, s]) => {
        const l = (window as unknown as { __demo: Demo }).__demo.lastSearch;
        return l?.query === q && l.section === s;
      },
      [query, section],
      { timeout: 30_000 },
    );
    const last = (await demo()).lastSearch!;
    expect(await page().locator('#results .hit-name').allTextContents()).toEqual(last.hits.map((h) => h.name));
    return last;
  }
  async function screenshot(name: string, width: number): Promise<void> {
    const file = join(SHOTS, name);
    const png = await page().screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const stats = await page().evaluate(imageStats, png.toString('base64'));
    expect(stats.width).toBe(width);
    expect(stats.colours).toBeGreaterThan(16);
    expect(stats.nonBackground).toBeGreaterThan(0.05);
  }

  beforeAll(async () => {
    // The real corpus of this machine, extracted now, and the site built around it.
    const corpusDir = join(dir.path, 'corpus');
    execFileSync(process.execPath, [join(root, 'scripts/demo/extract-packages.mjs'), '--out', join(corpusDir, 'packages.json')], { stdio: 'pipe' });
    corpusCount = (JSON.parse(readFileSync(join(corpusDir, 'packages.json'), 'utf8')) as { count: number }).count;
    const site = await buildDemoSite({ outDir: join(dir.path, 'site'), corpusDir });
    server = await serveStatic(site);
    models = await startModelServer({ [TINY_ID]: TINY_BERT });
    browser = await launch(server.origin, { allow: [models.url], viewport: { width: 1280, height: 800 } });
    page().on('request', (r) => requests.push(r.url()));
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await models?.close();
    dir.remove();
  });

  test('first visit: a progress bar with count, rate and ETA, to the last package; then saved', async () => {
    await page().goto(`${server.origin}/`);
    await page().locator('#progress').waitFor({ state: 'visible', timeout: 30_000 });
    // Sample the bar while the worker builds: it must move, with figures.
    const samples: { count: string; rate: string; eta: string; width: number }[] = [];
    let shot = false;
    while ((await demo()).state === 'building' || (await demo()).state === 'loading') {
      const s = await page().evaluate(() => ({
        count: document.getElementById('progress-count')!.textContent!,
        rate: document.getElementById('progress-rate')!.textContent!,
        eta: document.getElementById('progress-eta')!.textContent!,
        width: parseFloat(document.getElementById('progress-fill')!.style.width || '0'),
      }));
      samples.push(s);
      if (s.width > 20 && !shot) shot = await screenshot('demo-first-visit-progress.png', 1280).then(() => true);
      await page().waitForTimeout(500);
    }
    const d = await demo();
    expect(d.error).toBeUndefined();
    expect(d.state).toBe('ready');
    expect(d.source).toBe('built');
    const total = corpusCount.toLocaleString('en-US');
    const building = samples.filter((s) => /^[\d,]+ \/ [\d,]+ items$/.test(s.count) && / items\/s$/.test(s.rate) && /^ETA \d/.test(s.eta));
    expect(building.length).toBeGreaterThan(2);
    expect(building.every((s) => s.count.endsWith(`/ ${total} items`))).toBe(true);
    const widths = building.map((s) => s.width);
    expect(widths.some((w, i) => i > 0 && w > widths[i - 1]!)).toBe(true);
    expect(shot).toBe(true);
    expect(d.progress).toMatchObject({ done: corpusCount, total: corpusCount, fraction: 1 });
    expect(d.embedded).toBe(corpusCount);
    expect(d.count).toBe(corpusCount);
    expect(d.dim).toBe(256);
    expect(d.snapshotBytes).toBeGreaterThan(corpusCount * 256 * 4);
    expect(await page().locator('#progress').isHidden()).toBe(true);
    expect(await page().textContent('#stat-items')).toBe(total);
    console.log(`demo: built ${corpusCount} packages in ${(d.buildMs! / 1000).toFixed(1)} s (${Math.round(d.progress!.rate)} items/s), snapshot ${d.snapshotBytes} bytes`);
  });

  test("'convert images to pdf': 10 hits by score, the latency shown; vector mode agrees with exact search", async () => {
    const last = await search('convert images to pdf');
    expect(last.hits).toHaveLength(10);
    console.log(`demo: 'convert images to pdf' → ${last.hits.slice(0, 5).map((h) => h.name).join(', ')} (${last.ms.toFixed(1)} ms)`);
    expect(await page().textContent('#search-meta')).toMatch(/^10 results in [\d.]+ (ms|s)$/);
    const scores = last.hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    await expectVectorModeAgrees();
    await page().selectOption('#mode', 'hybrid');
  });

  test('the mode select: hybrid by default, then vectors only and BM25 only, then back', async () => {
    const run = async (mode: string) => {
      await page().selectOption('#mode', mode);
      await page().waitForFunction((m) => (window as unknown as { __demo: Demo }).__demo.lastSearch?.mode === m, mode, { timeout: 30_000 });
      return (await demo()).lastSearch!;
    };
    expect(await page().inputValue('#mode')).toBe('hybrid');
    // A package name as the query: the name of the exact nearest package to a probe (any corpus has one).
    const { probes, texts } = await exactReference();
    const name = texts.get(probes.get(PROBES[0])![0]!)!.name;
    const hybrid = await search(name);
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.hits.length).toBeGreaterThan(0);
    // A fused hit comes from at least one of the two lists.
    expect(hybrid.hits.every((h) => h.ranks !== undefined && (h.ranks.vector !== undefined || h.ranks.text !== undefined))).toBe(true);
    const vector = await run('vector');
    expect(vector.query).toBe(name);
    expect(vector.hits.every((h) => h.ranks === undefined)).toBe(true);
    const words = await run('text');
    expect(words.hits.length).toBeGreaterThan(0);
    expect(words.hits.map((h) => h.ranks?.text)).toEqual(words.hits.map((_, i) => i + 1));
    // BM25 scores only records holding a term of the query (the analyzer the library exports).
    const { tokenize } = await import('minivectordb');
    const terms = new Set(tokenize(name));
    for (const h of words.hits) {
      const record = texts.get(h.id)!;
      expect(tokenize(`${record.name} ${record.text}`).some((t) => terms.has(t)), `${h.id} holds a term of '${name}'`).toBe(true);
    }
    expect(await page().locator('#results .hit-score').first().textContent()).toMatch(/^BM25 /);
    await run('hybrid');
  });

  test('the section filter narrows the results to that section', async () => {
    const all = await search('edit photos');
    const graphics = await search('edit photos', 'graphics');
    expect(graphics.hits).toHaveLength(10);
    expect(graphics.hits.every((h) => h.section === 'graphics')).toBe(true);
    expect(all.hits.some((h) => h.section !== 'graphics')).toBe(true);
    expect(graphics.hits.map((h) => h.id)).not.toEqual(all.hits.map((h) => h.id));
    // The graphics hits of the unfiltered list come first in the filtered one, in order.
    const graphicsInAll = all.hits.filter((h) => h.section === 'graphics').map((h) => h.id);
    expect(graphics.hits.slice(0, graphicsInAll.length).map((h) => h.id)).toEqual(graphicsInAll);
    expect(await page().locator('#results .hit-section').allTextContents()).toEqual(Array(10).fill('graphics'));
  });

  const NOTE = 'Grandmother’s recipe for plum dumplings with cinnamon sugar and butter';
  /** Queries made of the note's own words; the last is the note itself (exact search ranks it first on any corpus without a copy of it). */
  const NOTE_QUERIES = ['plum dumpling recipe', 'grandmother plum dumplings', NOTE];
  /** Probe queries whose vector-mode hits are compared with exact search. */
  const PROBES = ['convert images to pdf', 'edit photos', 'play music files', 'compress files into an archive', 'web browser'];
  interface Reference {
    /** For each note query, whether exact search ranks the note first, by a clear margin (1e-3 in cosine, above float differences between Node and Chromium). */
    noteFirst: Map<string, boolean>;
    /** For each probe, the ids of its exact 10 nearest packages, nearest first. */
    probes: Map<string, string[]>;
    /** Each package's id → its name and embedded text. */
    texts: Map<string, { name: string; text: string }>;
  }
  let reference: Reference | undefined;
  /**
   * An independent reference computed here in Node: brute-force cosine over
   * this machine's corpus, embedded with wordnet-256 as the page embeds it
   * (web-demo/src/corpus.ts's texts and ids).
   */
  async function exactReference(): Promise<Reference> {
    if (reference) return reference;
    const { createEmbedder } = await import('minivectordb');
    const { packageItem } = await import('../../web-demo/src/corpus.js');
    const rows = (JSON.parse(readFileSync(join(dir.path, 'corpus', 'packages.json'), 'utf8')) as { rows: Parameters<typeof packageItem>[0][] }).rows;
    const items = rows.map(packageItem);
    const embedder = await createEmbedder({});
    const [note, ...queries] = await embedder.embed([NOTE, ...NOTE_QUERIES, ...PROBES]);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    const best = NOTE_QUERIES.map(() => -Infinity);
    const top = PROBES.map(() => [] as { id: string; sim: number }[]);
    const BATCH = 4096;
    for (let start = 0; start < items.length; start += BATCH) {
      const batch = items.slice(start, start + BATCH);
      const vectors = await embedder.embed(batch.map((it) => it.text!));
      vectors.forEach((v, j) => {
        NOTE_QUERIES.forEach((_, i) => (best[i] = Math.max(best[i]!, dot(queries[i]!, v))));
        PROBES.forEach((_, p) => {
          const list = top[p]!;
          list.push({ id: batch[j]!.id, sim: dot(queries[NOTE_QUERIES.length + p]!, v) });
          list.sort((a, b) => b.sim - a.sim);
          list.length = Math.min(list.length, 10);
        });
      });
    }
    await embedder.dispose();
    reference = {
      noteFirst: new Map(NOTE_QUERIES.map((q, i) => [q, dot(queries[i]!, note!) > best[i]! + 1e-3])),
      probes: new Map(PROBES.map((q, p) => [q, top[p]!.map((t) => t.id)])),
      texts: new Map(items.map((it) => [it.id, { name: (it.metadata as { name: string }).name, text: it.text! }])),
    };
    return reference;
  }
  /**
   * Vector mode against exact search, over the probes: recall@10 averages at
   * least 0.8 (the README's in-distribution recall at the default efSearch is
   * 0.95), and each probe's exact nearest package is among its 10 hits.
   */
  async function expectVectorModeAgrees(): Promise<void> {
    const { probes } = await exactReference();
    let found = 0;
    for (const [query, exact] of probes) {
      const hits = (await searchIn(query, 'vector')).hits.map((h) => h.id);
      expect(hits, `vector mode: '${query}' finds its exact nearest package ${exact[0]}`).toContain(exact[0]);
      found += exact.filter((id) => hits.includes(id)).length;
    }
    expect(found / (probes.size * 10)).toBeGreaterThanOrEqual(0.8);
  }
  /** Searches in `mode` (the mode select), waiting for that query's results. */
  async function searchIn(query: string, mode: string): Promise<NonNullable<Demo['lastSearch']>> {
    await page().selectOption('#section', '');
    await page().selectOption('#mode', mode);
    await page().fill('#query', query);
    await page().waitForFunction(
      ([q, m]) => {
        const l = (window as unknown as { __demo: Demo }).__demo.lastSearch;
        return l?.query === q && l.mode === m && l.section === '';
      },
      [query, mode],
      { timeout: 30_000 },
    );
    return (await demo()).lastSearch!;
  }
  /**
   * What holds on any corpus: a query for which exact search ranks the note
   * first gets the note as its first hit in vector mode; if BM25 ranks it
   * first too ('text' mode, which scores every matching record), it is the
   * first hit of the default (hybrid) mode. At least one query qualifies.
   */
  async function expectNoteFound(): Promise<void> {
    const exactFirst = (await exactReference()).noteFirst;
    expect([...exactFirst.values()].some(Boolean)).toBe(true);
    for (const query of NOTE_QUERIES) {
      if (!exactFirst.get(query)) continue;
      const vector = await searchIn(query, 'vector');
      expect(vector.hits[0], `vector mode: ${query}`).toMatchObject({ name: 'Your text', section: 'my notes' });
      const words = await searchIn(query, 'text');
      const hybrid = await searchIn(query, 'hybrid');
      if (words.hits[0]?.name === 'Your text') expect(hybrid.hits[0], `hybrid mode: ${query}`).toMatchObject({ name: 'Your text', section: 'my notes' });
    }
  }
  test('your own text is searchable at once', async () => {
    await exactReference(); // the reference first, so that the searches below follow the click at once
    await page().fill('#note', NOTE);
    await page().click('#note-add');
    await expectNoteFound();
    await page().locator('#note-status', { hasText: 'Added and saved' }).waitFor({ timeout: 60_000 });
    // Saved through the write-ahead log (flush of one record), not a rewrite of the whole snapshot (seconds).
    const saveMs = (await demo()).noteSaveMs!;
    console.log(`demo: note saved in ${saveMs.toFixed(1)} ms`);
    expect(saveMs).toBeLessThan(500);
    expect(await page().textContent('#stat-note-save')).toMatch(/ms$/);
    const first = await search('plum dumpling recipe');
    expect(first.hits.some((h) => h.id.startsWith('note:'))).toBe(true);
    const mine = await search('plum dumpling recipe', 'my notes');
    expect(mine.hits.map((h) => h.name)).toEqual(['Your text']);
    expect((await demo()).embedded).toBe(corpusCount + 1);
  });

  test('a reload restores from IndexedDB without embedding; your text survives', async () => {
    requests.length = 0;
    await page().reload();
    await waitReady();
    const d = await demo();
    expect(d.error).toBeUndefined();
    expect(d.source).toBe('restored');
    expect(d.embedded).toBe(0); // no text was sent to the embedder
    expect(d.progressShown).toBe(false);
    expect(d.progressUpdates).toBe(0);
    expect(requests.some((u) => u.endsWith('/packages.json'))).toBe(false); // the corpus is not even fetched
    expect(d.count).toBe(corpusCount + 1);
    expect(await page().locator('#progress').isHidden()).toBe(true);
    expect(await page().textContent('#stat-load-label')).toBe('Restored in');
    console.log(`demo: restored ${d.count} items in ${d.restoreMs!.toFixed(0)} ms (${((d.restoreMs! / d.count!) * 10_000).toFixed(0)} ms per 10,000)`);
    await expectNoteFound();
    await expectVectorModeAgrees();
    await page().selectOption('#mode', 'hybrid');
    expect((await demo()).embedded).toBe(0);
  });

  test('screenshots at desktop and phone width are not blank; no sideways scrolling on a phone', async () => {
    await screenshot('demo-desktop.png', 1280);
    await page().setViewportSize({ width: 390, height: 844 });
    await screenshot('demo-phone.png', 390);
    expect(await page().evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page().setViewportSize({ width: 1280, height: 800 });
  });

  test('switching to a Hugging Face model id rebuilds the index with it', async () => {
    await page().click('#model-form summary');
    await page().fill('#model-id', TINY_ID);
    await page().fill('#model-host', models.url);
    await page().click('#model-switch');
    await page().locator('#progress').waitFor({ state: 'visible', timeout: 30_000 });
    await waitReady(TINY_ID);
    const d = await demo();
    expect(d.error).toBeUndefined();
    expect(d.source).toBe('built');
    expect(d.model).toBe(TINY_ID);
    expect(d.dim).toBe(16); // the fixture's hidden size
    expect(d.count).toBe(corpusCount + 1); // the corpus and your text, re-embedded
    expect(await page().textContent('#stat-model')).toBe(TINY_ID);
    expect(await page().textContent('#stat-dim')).toBe('16');
    expect(models.requests).toContain(`/${TINY_ID}/resolve/main/onnx/model.onnx`);
    const hits = await search('convert images to pdf');
    expect(hits.hits).toHaveLength(10);
    // The new index answers with the new model after a reload too.
    await page().reload();
    await waitReady(TINY_ID);
    expect(await demo()).toMatchObject({ source: 'restored', model: TINY_ID, dim: 16, embedded: 0 });
    expect((await search('convert images to pdf')).hits).toHaveLength(10);
    expect(browser.offsite).toEqual([]);
    expect(browser.errors).toEqual([]);
    writeFileSync(join(SHOTS, 'README.txt'), 'Screenshots of the web demo taken by tests/demo/demo.test.ts.\n');
  });
});
