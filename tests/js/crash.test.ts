/**
 * Crash safety of file:// saves. A child process (fixtures/crash-child.mjs)
 * keeps adding records and saving to one file; the parent kills it with
 * SIGKILL at seeded random moments — half of the time while a save is in
 * flight — and then checks that the file opens to exactly one complete state
 * the child saved (see fixtures/crash-plan.mjs), never a torn or mixed one,
 * and never older than the last save the child reported finished. Leftover
 * temporary files, from the kills and planted with the names a restarted
 * process would pick, must not break later saves.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { DIM, MAX_N, mulberry32, savePoints, vectorOf } from './fixtures/crash-plan.mjs';
import { tempDir } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-child.mjs');
const TRIALS = 60;

interface State {
  epoch: number;
  n: number;
}
type Message = { type: 'ready' | 'saving' | 'saved' } & State;

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp?.cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const key = (s: State): string => `${s.epoch}:${s.n}`;

/** Writes garbage at the temporary names `pid` would use for its first `count` saves. */
async function plantTempFiles(target: string, pid: number, count: number): Promise<void> {
  const dir = dirname(target);
  const base = basename(target);
  await Promise.all(Array.from({ length: count }, (_, i) => writeFile(join(dir, `.${base}.${pid}.${i + 1}.tmp`), 'stale leftover')));
}

/** Opens the file and checks it holds exactly `state`: ids 0 … n−1 with their derived vectors and metadata. */
async function expectState(url: string, state: State): Promise<void> {
  const db = await MiniVectorDB.open(url);
  try {
    expect(db.size).toBe(state.n);
    expect(db.stats()).toMatchObject({ count: state.n, deleted: 0, dim: DIM });
    for (let i = 0; i < state.n; i++) {
      const r = await db.get(String(i));
      if (r === undefined) throw new Error(`record ${i} of ${key(state)} is missing`);
      expect(r.metadata).toEqual({ i, epoch: state.epoch });
      expect(r.vector).toEqual(vectorOf(i, state.epoch));
    }
    expect(await db.get(String(state.n))).toBeUndefined();
    for (const i of [0, state.n >> 1, state.n - 1]) {
      expect((await db.search(vectorOf(i, state.epoch), { k: 1 }))[0]?.id).toBe(String(i));
    }
  } finally {
    await db.close();
  }
}

/** Reads the state saved at `url` from the records themselves, or undefined when there is no file. */
async function savedState(url: string): Promise<State | undefined> {
  if (!existsSync(fileURLToPath(url))) return undefined;
  const db = await MiniVectorDB.open(url);
  try {
    const first = await db.get('0');
    return { epoch: (first?.metadata?.epoch as number | undefined) ?? -1, n: db.size };
  } finally {
    await db.close();
  }
}

test(`${TRIALS} SIGKILLs at random moments never leave a corrupt or mixed snapshot`, async () => {
  const url = tmp.url('crash.mvdb');
  const path = fileURLToPath(url);
  const rng = mulberry32(20240611);
  let previous: State | undefined; // the state on disk before the trial
  const seen = new Set<string>();

  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = 1000 + trial;
    const child: ChildProcess = fork(CHILD, [url, String(seed)], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    await plantTempFiles(path, child.pid!, 20);

    const messages: Message[] = [];
    let wake: (() => void) | undefined;
    child.on('message', (m: Message) => {
      messages.push(m);
      wake?.();
    });
    const waitFor = async (pred: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!pred()) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`child exited while waiting for ${what}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${stderr}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    };

    await waitFor(() => messages.some((m) => m.type === 'ready'), 'ready');
    const ready = messages.find((m) => m.type === 'ready')!;
    expect({ epoch: ready.epoch, n: ready.n }).toEqual(previous ?? { epoch: 0, n: 0 });

    if (trial % 2 === 0) {
      await sleep(rng() * 250); // anywhere in the loop
    } else {
      const nth = 1 + Math.floor(rng() * 10); // shortly after the nth save began
      await waitFor(() => messages.filter((m) => m.type === 'saving').length >= nth, `save ${nth}`);
      await sleep(rng() * 3);
    }
    child.kill('SIGKILL');
    const how = await exited;
    if (how !== 'SIGKILL') throw new Error(`child ended by ${String(how)} instead of SIGKILL: ${stderr}`);

    // Every state the child could have saved: where it started, then its save points in order.
    const saving = messages.filter((m) => m.type === 'saving').length;
    const order = new Map<string, number>();
    if (previous !== undefined) order.set(key(previous), 0);
    let index = 1;
    for (const p of savePoints(seed, ready.epoch, ready.n)) {
      order.set(key(p), index++);
      if (index > saving + 100) break;
    }
    const confirmed = messages.filter((m) => m.type === 'saved').at(-1);

    const onDisk = await savedState(url);
    if (onDisk === undefined) {
      expect(previous).toBeUndefined();
      expect(confirmed).toBeUndefined();
      continue;
    }
    const at = order.get(key(onDisk));
    if (at === undefined) throw new Error(`trial ${trial}: the file holds ${key(onDisk)}, a state the child never saved`);
    if (confirmed !== undefined) expect(at).toBeGreaterThanOrEqual(order.get(key(confirmed))!);
    await expectState(url, onDisk);
    seen.add(key(onDisk));
    previous = onDisk;
  }

  // The children made progress (states changed from trial to trial, epochs rolled over).
  expect(seen.size).toBeGreaterThanOrEqual(TRIALS / 4);
  expect(previous!.epoch * MAX_N + previous!.n).toBeGreaterThan(MAX_N);

  // Leftovers (planted and from killed saves) do not break a later save.
  const leftovers = (await readdir(tmp.dir)).filter((f) => f.endsWith('.tmp'));
  expect(leftovers.length).toBeGreaterThanOrEqual(TRIALS * 20);
  const db = await MiniVectorDB.open(url);
  const last = previous!;
  await db.insertMany([0, 1, 2].map((j) => ({ id: String(last.n + j), vector: vectorOf(last.n + j, last.epoch), metadata: { i: last.n + j, epoch: last.epoch } })));
  await db.save();
  await db.close();
  await expectState(url, { epoch: last.epoch, n: last.n + 3 });
}, 120_000);

test('stale temp files with the names this process would use do not break saves', async () => {
  const url = tmp.url('stale.mvdb');
  // A crashed earlier run with the same pid (a container restarts as pid 1)
  // left temporary files behind under the names a fresh counter produces.
  await plantTempFiles(fileURLToPath(url), process.pid, 500);
  const db = await MiniVectorDB.create({ dim: DIM, storage: url });
  for (let i = 0; i < 5; i++) {
    await db.insert({ id: String(i), vector: vectorOf(i, 0), metadata: { i, epoch: 0 } });
    await db.save();
  }
  await db.close();
  await expectState(url, { epoch: 0, n: 5 });
});
