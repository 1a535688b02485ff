/**
 * The check every bundled consumer app passes (tests/package/vite-app/main.js,
 * built by Vite, served by the Vite dev server, or bundled by webpack): on the
 * page and in the package's own module Worker, vectors and text with the
 * default model, all assets from the local server only.
 */
import { expect } from 'vitest';
import type { Browser } from '../browser/harness.js';

interface AppResult {
  nearest?: string;
  hits?: string[];
  scores?: number[];
  dim?: number;
  worker?: { hits: string[]; scores: number[]; phases: string[]; dim: number; nearest: string };
  error?: string;
}

/** Opens `url` in `browser` and checks what main.js reports. */
export async function expectAppWorks(browser: Browser, url: string): Promise<void> {
  const { page } = browser;
  await page.goto(url);
  await page.waitForFunction('window.result !== undefined', undefined, { timeout: 30_000 });
  const result = (await page.evaluate('window.result')) as AppResult;
  expect(result.error).toBeUndefined();
  expect(result.nearest).toBe('y');
  expect(result.dim).toBe(256);
  expect(result.hits?.[0]).toBe('bike');
  // The worker loaded the .wasm and wordnet-256 itself and answers as the page does.
  expect(result.worker?.nearest).toBe('y');
  expect(result.worker?.dim).toBe(256);
  expect(result.worker?.phases).toEqual(['embed', 'insert']);
  expect(result.worker?.hits).toEqual(result.hits);
  result.worker?.scores.forEach((s, i) => expect(s).toBeCloseTo(result.scores![i]!, 5));
  await expect.poll(() => page.textContent('#status')).toBe('done'); // React may render it a moment after the result
  expect(browser.errors).toEqual([]);
  expect(browser.offsite).toEqual([]);
}
