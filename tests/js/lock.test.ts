/**
 * One writer per database (issue #17). Two processes on one file:// URL used
 * to write alternately with no error, the last save winning (a run ended
 * with 6 records of 11); now the second writer gets a LockedError, or opens
 * read-only by option. A lock left by a SIGKILLed process is taken over at
 * once (its pid is gone); one of a process on another host (or frozen) once
 * its heartbeat is older than the stale time — and the frozen holder then
 * refuses writes instead of overwriting its successor. In one process,
 * memory:// and file:// locks hold between database objects too, and a
 * LockedError crosses the worker boundary.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, LockedError, MiniVectorDB, SnapshotError } from 'minivectordb';
import { caught, tempDir } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'lock-child.mjs');
/** proper-lockfile's stale threshold used by the library (storage/lock/file-lock.ts). */
const STALE_MS = 10_000;

type Reply = { ok: true; value: unknown } | { ok: false; name: string; code: string; message: string };

/** A child process holding one database, driven command by command. */
class Child {
  readonly proc: ChildProcess;
  #replies: ((r: Reply) => void)[] = [];
  readonly ready: Promise<void>;
  constructor() {
    this.proc = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let started!: () => void;
    this.ready = new Promise((r) => (started = r));
    let first = true;
    this.proc.on('message', (m: Reply) => {
      if (first) {
        first = false;
        started();
      } else this.#replies.shift()?.(m);
    });
  }
  async send(cmd: string, args: Record<string, unknown> = {}): Promise<Reply> {
    await this.ready;
    return new Promise((resolve) => {
      this.#replies.push(resolve);
      this.proc.send({ cmd, ...args });
    });
  }
  /** The command's value; throws when it failed. */
  async ok(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const r = await this.send(cmd, args);
    if (!r.ok) throw new Error(`${cmd} failed in the child: ${r.name} ${r.message}`);
    return r.value;
  }
  kill(signal: NodeJS.Signals): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return resolve();
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
        this.proc.kill(signal);
        return resolve();
      }
      this.proc.once('exit', () => resolve());
      this.proc.kill(signal);
    });
  }
}

const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `r${from + i}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let tmp: Awaited<ReturnType<typeof tempDir>>;
const children: Child[] = [];
const child = (): Child => {
  const c = new Child();
  children.push(c);
  return c;
};
beforeAll(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
});
afterAll(async () => {
  await tmp?.cleanup();
});

/** Moves the lock directory's mtime (its heartbeat) back by `ms`, as if its holder had been silent that long. */
async function ageLock(url: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await utimes(`${fileURLToPath(url)}.lock`, then, then);
}

describe('two processes on one file:// URL', () => {
  test('the second writer gets a LockedError; nothing of the first is lost (was: 6 of 11 records)', async () => {
    const url = tmp.url('two-writers.mvdb');
    const a = child();
    const b = child();
    await a.ok('create', { url });
    expect(await a.ok('insert', { ids: ids(0, 6) })).toBe(6);
    await a.ok('save');

    const second = await b.send('open', { url });
    expect(second).toMatchObject({ ok: false, name: 'LockedError', code: 'LOCKED' });
    expect(await b.send('create', { url })).toMatchObject({ ok: false, name: 'LockedError' });
    // This process too (another realm of the same kind of lock).
    const here = await caught(() => MiniVectorDB.open(url), LockedError);
    expect(here.code).toBe('LOCKED');
    expect(here.url).toBe(url);

    expect(await a.ok('insert', { ids: ids(6, 11) })).toBe(11);
    await a.ok('save');
    await a.ok('close'); // releases the lock

    await b.ok('open', { url });
    expect(await b.ok('ids')).toEqual(ids(0, 11));
    await b.ok('close');
  });

  test("lock: 'readonly' opens beside the writer: writes throw LockedError, reads see the last checkpoint", async () => {
    const url = tmp.url('reader.mvdb');
    const writer = child();
    await writer.ok('create', { url });
    await writer.ok('insert', { ids: ids(0, 4) });
    await writer.ok('save');

    const reader = await MiniVectorDB.open(url, { lock: 'readonly' });
    try {
      expect(reader.size).toBe(4);
      for (const write of [
        () => reader.insert({ id: 'x', vector: [1, 1, 1, 1] }),
        () => reader.update('r0', { metadata: { x: 1 } }),
        () => reader.delete('r0'),
        () => reader.deleteMany(['r1']),
        () => reader.deleteByFilter({}),
        () => reader.compact(),
        () => reader.save(),
      ]) {
        expect((await caught(write, LockedError)).message).toMatch(/read-only/);
      }
      expect(reader.size).toBe(4);
      expect(await reader.search([1, 0, 0, 1], { k: 2 })).toHaveLength(2); // reads work
      // A copy elsewhere is not a write to the locked URL.
      await reader.save(tmp.url('reader-copy.mvdb'));
    } finally {
      await reader.close();
    }
    await writer.ok('insert', { ids: ids(4, 7) });
    await writer.ok('save');
    const again = await MiniVectorDB.open(url, { lock: 'readonly' });
    expect(again.size).toBe(7); // a new open sees the new checkpoint
    await again.close();
    const copy = await MiniVectorDB.open(tmp.url('reader-copy.mvdb'));
    expect(copy.size).toBe(4);
    await copy.close();
  });

  test('save(url) to a URL another process has open for writing throws LockedError and leaves its file alone', async () => {
    const url = tmp.url('target.mvdb');
    const writer = child();
    await writer.ok('create', { url });
    await writer.ok('insert', { ids: ids(0, 3) });
    await writer.ok('save');
    const other = await MiniVectorDB.create({ dim: 4 });
    await other.insert({ id: 'intruder', vector: [1, 2, 3, 4] });
    await caught(() => other.save(url), LockedError);
    await other.close();
    await writer.ok('close');
    const db = await MiniVectorDB.open(url);
    expect(db.size).toBe(3);
    await db.close();
  });
});

describe('locks of dead and frozen processes', () => {
  test('an idle holder keeps its lock over many heartbeats; its lock stays fresh', async () => {
    const url = tmp.url('idle.mvdb');
    const a = child();
    await a.ok('create', { url });
    await sleep(5000); // two heartbeats (every 2 s)
    const { mtimeMs } = await stat(`${fileURLToPath(url)}.lock`);
    expect(Date.now() - mtimeMs).toBeLessThan(3000);
    await caught(() => MiniVectorDB.open(url), LockedError);
    expect(await a.ok('insert', { ids: ids(0, 2) })).toBe(2);
    await a.ok('save');
    await a.ok('close');
    const db = await MiniVectorDB.open(url);
    expect(db.size).toBe(2);
    await db.close();
  }, 20_000);

  test('a SIGKILLed holder: its lock is taken over at once (its pid is gone)', async () => {
    const url = tmp.url('killed.mvdb');
    const a = child();
    await a.ok('create', { url });
    await a.ok('insert', { ids: ids(0, 5) });
    await a.ok('save');
    const owner = JSON.parse(await readFile(join(`${fileURLToPath(url)}.lock`, 'owner.json'), 'utf8'));
    expect(owner.pid).toBe(a.proc.pid);
    await a.kill('SIGKILL');
    const db = await MiniVectorDB.open(url); // well within the stale time
    expect(db.size).toBe(5);
    await db.insert({ id: 'after', vector: [0, 0, 0, 1] });
    await db.save();
    await db.close();
  });

  test('a SIGKILLed holder of another host: its lock is taken over once older than the stale time', async () => {
    const url = tmp.url('killed-elsewhere.mvdb');
    const a = child();
    await a.ok('create', { url });
    await a.ok('insert', { ids: ids(0, 2) });
    await a.ok('save');
    await a.kill('SIGKILL');
    // The pid cannot be checked on another host: only the heartbeat's age tells.
    const ownerFile = join(`${fileURLToPath(url)}.lock`, 'owner.json');
    await writeFile(ownerFile, JSON.stringify({ pid: 1, host: 'another-host.invalid' }));
    await caught(() => MiniVectorDB.open(url), LockedError);
    await ageLock(url, STALE_MS / 2);
    await caught(() => MiniVectorDB.open(url), LockedError); // not stale yet
    await ageLock(url, STALE_MS + 2000);
    const db = await MiniVectorDB.open(url);
    expect(db.size).toBe(2);
    await db.close();
  });

  test('a frozen holder (SIGSTOP) loses its lock after the stale time and then refuses writes', async () => {
    const url = tmp.url('frozen.mvdb');
    const a = child();
    await a.ok('create', { url });
    await a.ok('insert', { ids: ids(0, 3) });
    await a.ok('save');
    await a.kill('SIGSTOP');
    await caught(() => MiniVectorDB.open(url), LockedError); // alive (stopped) and fresh
    await ageLock(url, STALE_MS + 2000);
    const db = await MiniVectorDB.open(url);
    await db.insert({ id: 'successor', vector: [1, 1, 1, 1] });
    await db.save();
    await a.kill('SIGCONT');
    await sleep(3000); // its overdue heartbeat finds another holder's lock
    const late = await a.send('insert', { ids: ['late'] });
    expect(late).toMatchObject({ ok: false, name: 'LockedError' });
    expect(await a.send('save')).toMatchObject({ ok: false, name: 'LockedError' });
    expect(db.size).toBe(4);
    await db.close();
    const back = await MiniVectorDB.open(url);
    expect(await back.get('successor')).toBeDefined();
    expect(await back.get('late')).toBeUndefined();
    await back.close();
  }, 30_000);
});

describe('locks in one process', () => {
  test('memory:// — a second instance gets LockedError until the first closes', async () => {
    const url = `memory://lock-test-${process.pid}`;
    const a = await MiniVectorDB.create({ dim: 2, storage: url });
    await a.insert({ id: 'a', vector: [1, 0] });
    await a.save();
    await caught(() => MiniVectorDB.open(url), LockedError);
    await caught(() => MiniVectorDB.create({ dim: 2, storage: url }), LockedError);
    const reader = await MiniVectorDB.open(url, { lock: 'readonly' });
    expect(reader.size).toBe(1);
    await caught(() => reader.insert({ id: 'b', vector: [0, 1] }), LockedError);
    await reader.close();
    await a.close();
    const b = await MiniVectorDB.open(url);
    await b.insert({ id: 'b', vector: [0, 1] });
    expect(b.size).toBe(2);
    await b.close();
  });

  test('a failed open releases the lock; closing twice releases once', async () => {
    const url = tmp.url('corrupt.mvdb');
    await writeFile(fileURLToPath(url), 'not a snapshot at all, just some bytes');
    await caught(() => MiniVectorDB.open(url), SnapshotError);
    await caught(() => MiniVectorDB.open(url), SnapshotError); // not LockedError: the first released it
    const missing = tmp.url('missing.mvdb');
    await caught(() => MiniVectorDB.open(missing), Error);
    const db = await MiniVectorDB.create({ dim: 2, storage: missing });
    await db.close();
    await db.close();
    const again = await MiniVectorDB.create({ dim: 2, storage: missing });
    await again.close();
  });

  test('the lock option is checked', async () => {
    await caught(() => MiniVectorDB.create({ dim: 2, lock: 'shared' as never }), InvalidArgumentError);
    await caught(() => MiniVectorDB.open('memory://nothing', { lock: true as never }), InvalidArgumentError);
  });

  test('a LockedError from a worker arrives as a LockedError', async () => {
    const url = tmp.url('worker.mvdb');
    const page = await MiniVectorDB.create({ dim: 2, storage: url });
    try {
      const e = await caught(() => MiniVectorDB.createInWorker({ dim: 2, storage: url }), LockedError);
      expect(e.url).toBe(url);
    } finally {
      await page.close();
    }
  });
});
