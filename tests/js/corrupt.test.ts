/** Damaged snapshots are rejected with SnapshotError; storage failures with StorageError. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, MiniVectorDBError, SnapshotError, StorageError } from 'minivectordb';
import { caught, clusteredData, fingerprint, tempDir } from './helpers.js';
import { findUser, withUserPayload } from './snapshot-craft.js';

describe('corrupt snapshots', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let db: MiniVectorDB;
  let goodUrl: string;
  let good: Uint8Array;
  let queries: Float32Array[];
  let expected: unknown;
  let variant = 0;

  beforeAll(async () => {
    tmp = await tempDir();
    const d = clusteredData({ n: 150, dim: 8, seed: 17, clusters: 4 });
    queries = Array.from({ length: 5 }, () => d.sample());
    db = await MiniVectorDB.create({ dim: 8, M: 4, efConstruction: 20, seed: 3 });
    await db.insertMany(d.vectors.map((vector, i) => ({ id: `c${i}`, vector, metadata: { i, s: 'x'.repeat(i % 7) } })));
    await db.delete('c10');
    goodUrl = tmp.url('good.mvdb');
    await db.save(goodUrl);
    good = new Uint8Array(await readFile(new URL(goodUrl)));
    expected = await fingerprint(db, queries);
  });
  afterAll(async () => {
    await db?.close();
    await tmp?.cleanup();
  });

  /** Writes `bytes` to a fresh file and returns the error of opening it (must be a SnapshotError). */
  async function openBytes(bytes: Uint8Array): Promise<SnapshotError> {
    const url = tmp.url(`bad-${variant++}.mvdb`);
    await writeFile(new URL(url), bytes);
    const err = await caught(() => MiniVectorDB.open(url), SnapshotError);
    expect(err).toBeInstanceOf(MiniVectorDBError);
    return err;
  }

  test('the good snapshot opens and starts with MVDBSNAP', async () => {
    expect(Buffer.from(good.subarray(0, 8)).toString('latin1')).toBe('MVDBSNAP');
    const opened = await MiniVectorDB.open(goodUrl);
    expect(await fingerprint(opened, queries)).toEqual(expected);
    await opened.close();
  });

  test('wrong magic', async () => {
    const bad = good.slice();
    bad[0] = 'X'.charCodeAt(0);
    expect((await openBytes(bad)).code).toBe('SNAPSHOT_CORRUPT');
    const bad2 = good.slice();
    bad2.set(new TextEncoder().encode('MVDBSNAQ'), 0);
    expect((await openBytes(bad2)).code).toBe('SNAPSHOT_CORRUPT');
  });

  test('truncated at every 97th length and at length − 1', async () => {
    const lengths: number[] = [];
    for (let len = 0; len < good.length; len += 97) lengths.push(len);
    lengths.push(good.length - 1);
    expect(lengths.length).toBeGreaterThan(20);
    for (const len of lengths) {
      const err = await openBytes(good.slice(0, len));
      expect(err.code, `truncated to ${len} bytes`).toBe('SNAPSHOT_CORRUPT');
    }
  });

  test('one flipped byte (in the middle, in every header byte, and every 13th byte)', async () => {
    const offsets = new Set<number>([Math.floor(good.length / 2)]);
    for (let i = 0; i < 24 + 16; i++) offsets.add(i); // file header and first section header
    for (let i = 0; i < good.length; i += 13) offsets.add(i);
    offsets.add(good.length - 1);
    for (const at of offsets) {
      const bad = good.slice();
      bad[at] = bad[at]! ^ 0xff;
      const err = await openBytes(bad);
      expect(err.code, `byte ${at} flipped`).toBe('SNAPSHOT_CORRUPT');
    }
  });

  test('a file of zeros, an empty file, and trailing garbage', async () => {
    expect((await openBytes(new Uint8Array(good.length))).code).toBe('SNAPSHOT_CORRUPT');
    expect((await openBytes(new Uint8Array(0))).code).toBe('SNAPSHOT_CORRUPT');
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect((await openBytes(longer)).code).toBe('SNAPSHOT_CORRUPT');
  });

  test('an unsupported major version (with a valid header checksum) → SNAPSHOT_VERSION', async () => {
    const bad = good.slice();
    const view = new DataView(bad.buffer);
    expect(view.getUint16(8, true)).toBe(2); // format 2.0 (1.0 is still read: tests/js/legacy-snapshots.test.ts)
    expect(crc32(bad.subarray(0, 20))).toBe(view.getUint32(20, true)); // our CRC agrees with the file
    view.setUint16(8, 3, true);
    view.setUint32(20, crc32(bad.subarray(0, 20)), true);
    const err = await openBytes(bad);
    expect(err.code).toBe('SNAPSHOT_VERSION');
  });

  test('a USER section with valid checksum but a bad record table → SnapshotError', async () => {
    // Replace the USER section's payload, recomputing its CRC (snapshot-craft.ts).
    const { at: userAt, length: userLen } = findUser(good);
    const withUser = (payload: Uint8Array): Uint8Array => withUserPayload(good, payload);
    // Sanity check of the splicing: the original payload gives a loadable file.
    const same = withUser(good.slice(userAt + 16, userAt + 16 + userLen));
    expect(same).toEqual(good);

    const ids = Array.from({ length: 150 }, (_, i) => (i === 10 ? null : `c${i}`));
    const metadata = Array.from({ length: 150 }, () => null);
    expect((await openBytes(withUser(encode({ format: 2, ids, metadata })))).code).toBe('SNAPSHOT_VERSION');
    const dupIds = ids.slice();
    dupIds[5] = 'c4';
    expect((await openBytes(withUser(encode({ format: 1, ids: dupIds, metadata })))).code).toBe('SNAPSHOT_CORRUPT');
    expect((await openBytes(withUser(encode({ format: 1, ids: ids.slice(1), metadata })))).code).toBe('SNAPSHOT_CORRUPT');
    const liveDeleted = ids.slice();
    liveDeleted[10] = 'c10'; // label 10 is a tombstone in the index
    expect((await openBytes(withUser(encode({ format: 1, ids: liveDeleted, metadata })))).code).toBe('SNAPSHOT_CORRUPT');
    expect((await openBytes(withUser(new Uint8Array([0xc1])))).code).toBe('SNAPSHOT_CORRUPT'); // not MessagePack
    // And a well-formed replacement table is accepted.
    const ok = await MiniVectorDB.open(await (async () => {
      const url = tmp.url('respliced.mvdb');
      await writeFile(new URL(url), withUser(encode({ format: 1, ids, metadata })));
      return url;
    })());
    expect(ok.size).toBe(149);
    expect((await ok.get('c3'))!.metadata).toBeUndefined();
    await ok.close();
  });

  test('missing file, unsaved memory:// name, unsupported scheme → StorageError', async () => {
    for (const url of [tmp.url('does-not-exist.mvdb'), 'memory://never-saved', 'http://example.com/x.mvdb', 'relative/path.mvdb']) {
      const err = await caught(() => MiniVectorDB.open(url), StorageError);
      expect(err.code).toBe('STORAGE');
      expect(err).toBeInstanceOf(MiniVectorDBError);
    }
    const e = await caught(() => db.save(tmp.url('no-such-dir/x.mvdb')), StorageError);
    expect(e.code).toBe('STORAGE');
    const e2 = await caught(() => db.save('ftp://host/x'), StorageError);
    expect(e2.code).toBe('STORAGE');
  });

  test('failed opens and saves leave the good file and live databases untouched', async () => {
    const opened = await MiniVectorDB.open(goodUrl);
    // A directory where the file should be makes the rename fail.
    const dirUrl = tmp.url('a-directory.mvdb');
    await mkdir(new URL(dirUrl));
    await caught(() => db.save(dirUrl), StorageError);
    await openBytes(good.slice(0, 100));
    await openBytes(new Uint8Array(good.length));
    await caught(() => MiniVectorDB.open(tmp.url('missing.mvdb')), StorageError);
    expect(new Uint8Array(await readFile(new URL(goodUrl)))).toEqual(good);
    expect(await fingerprint(opened, queries)).toEqual(expected);
    expect(await fingerprint(db, queries)).toEqual(expected);
    const again = await MiniVectorDB.open(goodUrl, { lock: 'readonly' }); // `opened` holds the write lock
    expect(await fingerprint(again, queries)).toEqual(expected);
    await Promise.all([opened.close(), again.close()]);
  });
});
