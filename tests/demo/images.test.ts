/**
 * The demo's "images" entry point (web-demo/images.html) in Chromium: with no
 * network (huggingface.co unreachable) it says that the CLIP model needs one;
 * with a model id on a local hub-like server (the tiny random CLIP) it embeds
 * the photos given to its file input, finds them by text, and a click on a
 * photo finds that photo first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDemoSite } from '../../scripts/demo/build-site.mjs';
import { serveStatic } from '../../scripts/lib/static-server.mjs';
import { hasChromium, launch, root, SKIP_REASON, type Browser } from '../browser/harness.js';
import { startModelServer, tempDir, type ModelServer } from '../js/embed/helpers.js';
import { DEBIAN_JPEG, DEBIAN_PNG } from '../js/embed/image-fixtures.js';

interface ImagesState {
  loaded: boolean;
  error: string;
  photos: number;
  hits: string[];
}
const FOLDER_PNG = '/usr/share/icons/Adwaita/512x512/places/folder-pictures.png';

describe.skipIf(!hasChromium)(hasChromium ? 'web demo: images page' : `web demo: images page (${SKIP_REASON})`, () => {
  const dir = tempDir('demo-images');
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let models: ModelServer;
  let browser: Browser;
  const state = () => browser.page.evaluate('window.__images') as Promise<ImagesState>;

  beforeAll(async () => {
    const corpusDir = join(dir.path, 'corpus'); // the images page needs no corpus; the build wants the file
    mkdirSync(corpusDir);
    writeFileSync(join(corpusDir, 'packages.json'), '{"count":0,"packages":[]}');
    const site = await buildDemoSite({ outDir: join(dir.path, 'site'), corpusDir });
    server = await serveStatic(site);
    models = await startModelServer({ 'test-org/tiny-clip': join(root, 'tests', 'fixtures', 'embed', 'tiny-clip') });
    browser = await launch(server.origin, { allow: [models.url] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await models?.close();
    dir.remove();
  });

  test('offline: the default model cannot be fetched, and the page says a network is needed the first time', async () => {
    await browser.page.goto(`${server.origin}/images.html`);
    await browser.page.click('#load');
    await browser.page.waitForFunction(() => (window as unknown as { __images: ImagesState }).__images.error !== '', undefined, { timeout: 60_000 });
    expect((await state()).loaded).toBe(false);
    expect(await browser.page.textContent('#model-status')).toMatch(/needs a network connection the first time/);
    expect(browser.offsite.some((u) => u.startsWith('https://huggingface.co/Xenova/clip-vit-base-patch32/'))).toBe(true);
  });

  test('with a model id on a reachable hub: photos added, found by text, a click finds the photo itself first', async () => {
    await browser.page.goto(`${server.origin}/images.html`);
    await browser.page.fill('#model', 'test-org/tiny-clip');
    await browser.page.fill('#host', models.url);
    await browser.page.click('#load');
    await browser.page.waitForFunction(() => (window as unknown as { __images: ImagesState }).__images.loaded, undefined, { timeout: 60_000 });
    await browser.page.setInputFiles('#files', [DEBIAN_PNG, DEBIAN_JPEG, FOLDER_PNG]);
    await browser.page.waitForFunction(() => (window as unknown as { __images: ImagesState }).__images.photos === 3, undefined, { timeout: 60_000 });
    await browser.page.fill('#query', 'a photo of a cat');
    await browser.page.waitForFunction(() => (window as unknown as { __images: ImagesState }).__images.hits.length === 3, undefined, { timeout: 30_000 });
    expect(await browser.page.locator('#results img').count()).toBe(3);
    const second = (await state()).hits[1]!;
    await browser.page.click(`#results img[alt="${second}"]`);
    await browser.page.waitForFunction((id) => (window as unknown as { __images: ImagesState }).__images.hits[0] === id, second, { timeout: 30_000 });
    expect(browser.errors.filter((e) => !/huggingface\.co|Failed to load resource/.test(e))).toEqual([]);
  });
});
