/**
 * The hostile-metadata and hostile-filter cases of the threat model (README,
 * Security): a filter is data compiled from a fixed set of operators — it can
 * name no code and reach no inherited property; metadata read from a crafted
 * snapshot (valid checksums) cannot pollute prototypes and is matched as own
 * data only. (Untrusted snapshot files and same-origin pages:
 * snapshot-trust.test.ts and bad-files.test.ts.)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, SnapshotError } from 'minivectordb';
import { caught, tempDir } from './helpers.js';
import { editUser, withUserPayload } from './snapshot-craft.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let db: MiniVectorDB;
let base: Uint8Array;

beforeAll(async () => {
  tmp = await tempDir();
  db = await MiniVectorDB.create({ dim: 2 });
  await db.insertMany([
    { id: 'a', vector: [1, 0], metadata: { lang: 'en', nested: { n: 1 } } },
    { id: 'b', vector: [0, 1], metadata: { lang: 'fr' } },
  ]);
  await db.save(tmp.url('base.mvdb'));
  base = new Uint8Array(await readFile(new URL(tmp.url('base.mvdb'))));
});
afterAll(async () => {
  await db?.close();
  await tmp?.cleanup();
});

describe('hostile filters', () => {
  test('operators outside the fixed set, code and non-scalar operands are InvalidArgumentErrors', async () => {
    const g = globalThis as { pwned?: boolean };
    const filters: unknown[] = [
      { $where: 'globalThis.pwned = true' },
      { $expr: { $function: { body: 'globalThis.pwned = true', args: [], lang: 'js' } } },
      { lang: { $regex: '.*' } },
      { lang: () => ((g.pwned = true), true) },
      { lang: { $eq: { valueOf: () => ((g.pwned = true), 'en') } } },
      { lang: { $in: [{ toString: () => ((g.pwned = true), 'en') }] } },
    ];
    for (const filter of filters) {
      await caught(() => db.search([1, 0], { k: 2, filter: filter as never }), InvalidArgumentError);
      await caught(() => db.count(filter as never), InvalidArgumentError);
    }
    expect(g.pwned).toBeUndefined();
  });

  test('paths reach own metadata only: inherited properties never resolve', async () => {
    for (const path of ['constructor', 'toString', 'nested.constructor', 'nested.hasOwnProperty', 'lang.length']) {
      expect(await db.count({ [path]: { $exists: true } }), path).toBe(0);
    }
    // A '__proto__' key cannot even be held by a filter (filter/plain.ts).
    await caught(() => db.count({ ['__proto__']: { $exists: true } }), InvalidArgumentError);
    expect(await db.count({ 'nested.n': 1 })).toBe(1);
  });
});

describe('hostile metadata in a crafted snapshot', () => {
  test("a '__proto__' key is refused (SnapshotError) and pollutes nothing", async () => {
    // MessagePack map { "__proto__": { "polluted": true } } spliced in as the metadata of label 0.
    const key = new TextEncoder().encode('__proto__');
    const evilMeta = new Uint8Array([0x81, 0xa0 | key.length, ...key, 0x81, 0xa8, ...new TextEncoder().encode('polluted'), 0xc3]);
    // { format: 1, ids: ['a', 'b'], metadata: [<evil>, nil] }
    const enc = (s: string) => [0xa0 | s.length, ...new TextEncoder().encode(s)];
    const payload = new Uint8Array([0x83, ...enc('format'), 0x01, ...enc('ids'), 0x92, ...enc('a'), ...enc('b'), ...enc('metadata'), 0x92, ...evilMeta, 0xc0]);
    const url = tmp.url('proto.mvdb');
    await writeFile(new URL(url), withUserPayload(base, payload));
    const err = await caught(() => MiniVectorDB.open(url), SnapshotError);
    expect(err.code).toBe('SNAPSHOT_CORRUPT');
    expect(err.message).toContain('__proto__');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test("keys named like Object.prototype members are plain data, matched as own properties", async () => {
    const url = tmp.url('shadow.mvdb');
    await writeFile(
      new URL(url),
      editUser(base, (u) => {
        (u.metadata as unknown[])[0] = { constructor: 'x', toString: 'y', hasOwnProperty: 1 };
      }),
    );
    const opened = await MiniVectorDB.open(url);
    expect((await opened.get('a'))!.metadata).toEqual({ constructor: 'x', toString: 'y', hasOwnProperty: 1 });
    expect(await opened.count({ constructor: 'x' })).toBe(1);
    expect(await opened.count({ toString: { $exists: true } })).toBe(1); // only 'a' has it as its own key
    const hits = await opened.search([1, 0], { k: 2, filter: { hasOwnProperty: { $gte: 1 } } });
    expect(hits.map((h) => h.id)).toEqual(['a']);
    await opened.close();
  });
});
