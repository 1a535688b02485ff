/**
 * Calls into tests/browser/storage-app/ops.js from a test: one operation on
 * the page or in its worker, with the typed error it gave. Shared by the
 * storage and readers suites.
 */
import type { Browser } from './harness.js';

export type Page = Browser['page'];
export type Reply = { ok: true; value: unknown } | { ok: false; name: string; code: string; message: string };
export type Where = 'page' | 'worker';

/** Runs an operation of tests/browser/storage-app/ops.js on the page or in its worker. */
export function run(page: Page, where: Where, op: string, ...args: unknown[]): Promise<Reply> {
  return page.evaluate(`window.${where}(${JSON.stringify(op)}, ...${JSON.stringify(args)})`) as Promise<Reply>;
}

/** The operation's value; throws with the error it gave. */
export async function ok<T = unknown>(page: Page, where: Where, op: string, ...args: unknown[]): Promise<T> {
  const r = await run(page, where, op, ...args);
  if (!r.ok) throw new Error(`${where} ${op} failed: ${r.name} (${r.code}) ${r.message}`);
  return r.value as T;
}

/** The suites' 4-d test vector i. */
export const vec = (i: number): number[] => [i, 1, (i * 7) % 5, -i / 3];
