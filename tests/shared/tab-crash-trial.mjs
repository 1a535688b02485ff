// One "tab closed mid-write" trial in Chromium (issue #17): a tab runs the
// seeded mixed workload of wal-workload.mjs (insert, upsert, update, delete,
// deleteByFilter, compact, save) with durability 'strict' on `idb://` (on the
// page) or `opfs://` (in a worker: access handles), one operation per call
// from Node, and is closed without close() after a delay; a new tab then
// opens the database and compares it with the reference state after the
// acknowledged operations (or after those plus the one in flight, which may
// or may not have reached the log). Used by tests/browser/readers.test.ts (a
// few trials) and bench/storage/tab-crash.mjs (a hundred).
//
// The tab's page is tests/browser/storage-app (ops.js: `db`, `call`,
// `applyOp`, `crashCheck`, `remove`).
import { workload } from './wal-workload.mjs';

export const TAB_CRASH_DIM = 8;
/** More operations than a trial reaches before its tab is closed (each takes a durable IndexedDB / OPFS commit). */
const OPS = 3000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens `url` for writing in `tab`, waiting for the lock of a tab just closed
 * (the browser frees it soon after). Resolves to the database's handle.
 */
export async function openWhenFree(run, tab, where, url) {
  let r = await run(tab, where, 'db', 'open', url);
  for (let tries = 0; !r.ok && r.name === 'LockedError' && tries < 50; tries++) {
    await sleep(200);
    r = await run(tab, where, 'db', 'open', url);
  }
  if (!r.ok) throw new Error(`open of ${url} after the close failed: ${r.name} (${r.code}) ${r.message}`);
  return r.value;
}

/**
 * Runs one trial.
 * @param {{ newTab: () => Promise<import('playwright-core').Page>, run: (page, where: 'page' | 'worker', op: string, ...args: unknown[]) => Promise<{ ok: boolean, value?: unknown, name?: string, code?: string, message?: string }> }} driver
 *   `newTab` opens a tab on the storage app (ready); `run` calls one of its operations.
 * @param {{ scheme: 'idb' | 'opfs', seed: number, closeAfterMs: number }} trial
 *   `closeAfterMs`: how long after the first acknowledged operation (which wrote the first checkpoint) the tab is closed.
 * @returns {Promise<{ ok: boolean, problems: string[], acked: number, inFlight: boolean, count: number }>}
 *   `acked`: operations whose promise resolved before the close, all checked.
 */
export async function tabCrashTrial({ newTab, run }, { scheme, seed, closeAfterMs }) {
  const where = scheme === 'opfs' ? 'worker' : 'page';
  const url = `${scheme}://tab-crash-${seed}`;
  const ops = workload(seed, OPS, TAB_CRASH_DIM);
  const problems = [];
  const writer = await newTab();
  let acked = 0;
  let started = 0;
  let closing = false;
  try {
    const created = await run(writer, where, 'db', 'create', { dim: TAB_CRASH_DIM, storage: url, durability: 'strict' });
    if (!created.ok) throw new Error(`create ${url}: ${created.name} ${created.message}`);
    let firstAcked;
    const first = new Promise((resolve) => (firstAcked = resolve));
    const driving = (async () => {
      for (let i = 0; i < ops.length; i++) {
        started = i + 1;
        const r = await run(writer, where, 'applyOp', created.value, ops[i]).catch((e) => ({ ok: false, name: 'closed', message: String(e) }));
        if (r.ok) {
          acked = i + 1;
          firstAcked();
          continue;
        }
        if (!closing) problems.push(`operation ${i} (${ops[i].kind}) failed before the tab was closed: ${r.name} ${r.message}`);
        break;
      }
      firstAcked();
    })();
    await first;
    await sleep(closeAfterMs);
    closing = true;
    await writer.close({ runBeforeUnload: false });
    await driving;
  } finally {
    if (!writer.isClosed()) await writer.close();
  }
  if (acked === ops.length) throw new Error('the workload finished before the tab was closed: raise OPS');

  const reader = await newTab();
  let count = -1;
  try {
    const d = await openWhenFree(run, reader, where, url);
    const check = await run(reader, where, 'crashCheck', d, seed, OPS, TAB_CRASH_DIM, acked, started);
    if (!check.ok) throw new Error(`crashCheck: ${check.name} ${check.message}`);
    problems.push(...check.value.problems);
    count = check.value.count;
    // Still a working database: it takes a write and closes (a checkpoint).
    const more = await run(reader, where, 'call', d, 'insert', { id: 'after-the-close', vector: Array.from({ length: TAB_CRASH_DIM }, () => 0.5) });
    if (!more.ok) problems.push(`insert after reopening: ${more.name} ${more.message}`);
    const closed = await run(reader, where, 'call', d, 'close');
    if (!closed.ok) problems.push(`close after reopening: ${closed.name} ${closed.message}`);
    await run(reader, where, 'remove', url);
  } finally {
    await reader.close();
  }
  return { ok: problems.length === 0, problems, acked, inFlight: started > acked, count };
}
