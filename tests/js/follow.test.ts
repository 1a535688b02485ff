/**
 * Readers following a writer (issue #17) over idb:// in Node (fake-indexeddb;
 * Node has BroadcastChannel, and one realm's lock makes the second instance
 * read-only): the writer announces each durable append and checkpoint, a
 * following reader refreshes by itself; messages that are not a plain
 * sequence number are ignored; `follow: false` does not follow.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, type Logger } from 'minivectordb';
import { caught, randomVectors } from './helpers.js';

const DIM = 8;
const vectors = randomVectors(20, DIM, 3);
const item = (i: number) => ({ id: `v${i}`, vector: vectors[i]!, metadata: { i } });
const open: MiniVectorDB[] = [];
afterEach(async () => {
  for (const db of open.splice(0).reverse()) await db.close();
});

/** A logger that keeps the debug lines (the reader logs `refreshed <url>` after each refresh). */
function recording(): { logger: Logger; refreshes: () => number } {
  const lines: string[] = [];
  const keep = (m: string) => void lines.push(m);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, refreshes: () => lines.filter((l) => l.startsWith('[minivectordb] refreshed ')).length };
}

async function pair(name: string, follow?: boolean) {
  const url = `idb://${name}`;
  const writer = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8 });
  open.push(writer);
  await writer.insertMany([0, 1].map(item));
  const log = recording();
  const reader = await MiniVectorDB.open(url, { lock: 'readonly', logger: log.logger, logLevel: 'debug', ...(follow === undefined ? {} : { follow }) });
  open.push(reader);
  expect(reader.stats()).toBeDefined();
  return { url, writer, reader, refreshes: log.refreshes };
}

describe('follow: a read-only idb:// reader refreshes on the writer\'s announcements', () => {
  test('writes (strict appends, then a checkpoint) reach the reader without a refresh() call', async () => {
    const { writer, reader } = await pair('follow-a');
    expect(reader.size).toBe(2);
    await writer.insertMany([2, 3, 4].map(item));
    await vi.waitFor(() => expect(reader.size).toBe(5), { timeout: 5000, interval: 20 });
    await writer.delete('v0');
    await writer.save();
    await vi.waitFor(() => expect(reader.size).toBe(4), { timeout: 5000, interval: 20 });
    expect((await reader.ids()).sort()).toEqual((await writer.ids()).sort());
  });

  test('only a plain sequence number triggers a refresh; other messages on the channel are ignored', async () => {
    const { url, reader, refreshes } = await pair('follow-b');
    const channel = new BroadcastChannel(`minivectordb:${url}`);
    try {
      for (const junk of ['1', { seq: 1 }, -1, 1.5, Number.NaN, null, [3], 2 ** 60]) channel.postMessage(junk);
      await new Promise((r) => setTimeout(r, 300));
      expect(refreshes()).toBe(0);
      channel.postMessage(7);
      await vi.waitFor(() => expect(refreshes()).toBe(1), { timeout: 5000, interval: 20 });
      expect(reader.size).toBe(2);
    } finally {
      channel.close();
    }
  });

  test('follow: false does not follow (refresh() still works); follow must be a boolean', async () => {
    const { writer, reader, refreshes } = await pair('follow-c', false);
    await writer.insertMany([2, 3].map(item));
    await new Promise((r) => setTimeout(r, 300));
    expect(refreshes()).toBe(0);
    expect(reader.size).toBe(2);
    await reader.refresh();
    expect(reader.size).toBe(4);
    await caught(() => MiniVectorDB.open('idb://follow-c', { lock: 'readonly', follow: 'yes' as unknown as boolean }), InvalidArgumentError);
  });
});
