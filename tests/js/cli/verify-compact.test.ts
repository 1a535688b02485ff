/**
 * `verify` passes on a sound snapshot (exit 0) and fails (exit 1, naming
 * the check) on damage at each level: a flipped payload byte (checksums),
 * a truncated file (layout), a link out of range with valid checksums (the
 * core's graph invariants at open), and a graph whose layer-0 links all
 * point at the same few nodes, checksums fixed (well-formed, so open
 * accepts it, but the search check sees recall collapse). `compact` reclaims tombstones in place.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { randomVectors, tempDir } from '../helpers.js';
import { cliJson, runCli } from './run-cli.js';

const DIM = 16;
const N = 1200;
const M = 8;

interface Report {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** The payload offset and length of section `tag`. */
function section(bytes: Uint8Array, tag: string): { at: number; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 24;
  for (let s = 0; s < view.getUint32(12, true); s++) {
    const length = Number(view.getBigUint64(pos + 8, true));
    if (String.fromCharCode(...bytes.subarray(pos, pos + 4)) === tag) return { at: pos + 16, length };
    pos += 16 + length;
  }
  throw new Error(`no section ${tag}`);
}

/** Recomputes the CRC of section `tag` (over tag, length and payload, as the core's SectionCrc). */
function fixCrc(bytes: Uint8Array, tag: string): void {
  const { at, length } = section(bytes, tag);
  const header = at - 16;
  let crc = crc32(bytes.subarray(header, header + 4));
  crc = crc32(bytes.subarray(header + 8, header + 16), crc);
  crc = crc32(bytes.subarray(at, at + length), crc);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(header + 4, crc >>> 0, true);
}

describe('verify and compact', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  let good: Uint8Array;
  beforeAll(async () => {
    tmp = await tempDir();
    path = join(tmp.dir, 'db.mvdb');
    const db = await MiniVectorDB.create({ dim: DIM, metric: 'cosine', M, storage: pathToFileURL(path).href });
    await db.insertMany(randomVectors(N, DIM, 51).map((vector, i) => ({ id: `v${i}`, vector, metadata: { i } })));
    await db.save();
    await db.close();
    good = new Uint8Array(await readFile(path));
  });
  afterAll(() => tmp.cleanup());

  const verify = async (bytes: Uint8Array, name: string) => {
    const file = join(tmp.dir, name);
    await writeFile(file, bytes);
    const r = await runCli(['verify', file, '--json']);
    return { code: r.code, report: JSON.parse(r.stdout) as Report };
  };
  const failed = (report: Report) => report.checks.filter((c) => !c.ok).map((c) => c.name);

  test('a sound snapshot passes every check, exit 0', async () => {
    const { code, report } = await verify(good, 'good.mvdb');
    expect(code).toBe(0);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['layout', true],
      ['checksums', true],
      ['open', true],
      ['records', true],
      ['search', true],
    ]);
    expect(report.checks.at(-1)!.detail).toMatch(/200 queries/);
    const text = await runCli(['verify', join(tmp.dir, 'good.mvdb')]);
    expect(text.stdout).toMatch(/^ok {3}layout/m);
  });

  test('a flipped byte in the vectors fails the checksum check, exit 1', async () => {
    const bad = good.slice();
    bad[section(bad, 'VECS').at + 100]! ^= 0x40;
    const { code, report } = await verify(bad, 'flipped.mvdb');
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['checksums']);
    expect(report.checks.find((c) => c.name === 'checksums')!.detail).toMatch(/section VECS/);
  });

  test('a truncated file fails the layout check', async () => {
    const { code, report } = await verify(good.subarray(0, good.byteLength - 10), 'truncated.mvdb');
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['layout']);
  });

  test('a link out of range with valid checksums fails at open (the core checks the graph)', async () => {
    const bad = good.slice();
    const grph = section(bad, 'GRPH');
    const firstBlock = grph.at + N; // after one level byte per node: node 0's layer-0 block (count, then targets)
    new DataView(bad.buffer).setUint32(firstBlock + 4, N + 5, true);
    new DataView(bad.buffer).setUint32(firstBlock, 1, true);
    fixCrc(bad, 'GRPH');
    const { code, report } = await verify(bad, 'badlink.mvdb');
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['open']);
    expect(report.checks.find((c) => c.name === 'open')!.detail).toMatch(/invalid node/);
  });

  test('layer-0 links rewired to the same few nodes (well-formed, checksums fixed) fail the search check', async () => {
    const bad = good.slice();
    const grph = section(bad, 'GRPH');
    const view = new DataView(bad.buffer);
    // (Emptied lists would not do: a walk that finds fewer than k records falls back to an exact scan.)
    for (let i = 0; i < N; i++) {
      const block = grph.at + N + i * 4 * (1 + 2 * M);
      view.setUint32(block, 2 * M, true);
      for (let t = 0; t < 2 * M; t++) view.setUint32(block + 4 + 4 * t, t, true);
    }
    fixCrc(bad, 'GRPH');
    const { code, report } = await verify(bad, 'nolinks.mvdb');
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['search']);
    expect(report.checks.find((c) => c.name === 'search')!.detail).toMatch(/recall@10 0\.\d+ < 0\.9/);
  });

  test('compact reclaims deleted records in place; the result verifies', async () => {
    const file = join(tmp.dir, 'compact.mvdb');
    await writeFile(file, good);
    const db = await MiniVectorDB.open(pathToFileURL(file).href);
    await db.deleteByFilter({ i: { $lt: 300 } });
    await db.save();
    await db.close();
    expect(await cliJson(['inspect', file, '--json'])).toMatchObject({ records: { count: N - 300, deleted: 300 } });
    expect(await cliJson(['compact', file, '--json'])).toMatchObject({ reclaimed: 300, slots: N - 300, count: N - 300 });
    expect(await cliJson(['inspect', file, '--json'])).toMatchObject({ records: { count: N - 300, deleted: 0, slots: N - 300 } });
    expect((await runCli(['verify', file])).code).toBe(0);
  });
});
