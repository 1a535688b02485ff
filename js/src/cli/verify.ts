/**
 * `minivectordb verify <db.mvdb>`: exit code 0 when the snapshot is sound,
 * 1 when a check fails. The checks, in order:
 *  1. layout: header, version, section lengths (`checkSnapshotLayout`);
 *  2. checksums: every section's CRC-32 recomputed and compared;
 *  3. open: the core's loader checks the checksums again, the configuration
 *     and the graph's invariants (levels, entry point, every link's count and
 *     target on its layer), and the record table is checked as insert checks;
 *  4. records: every record read back once (`records()`), ids unique, as
 *     many as the counters say, each vector `dim` finite values;
 *  5. search: for a sample of records, an exact search with the record's
 *     own vector finds it (l2, cosine), and the graph search agrees with the
 *     exact one (recall@10 at least `--min-recall`): a graph whose links
 *     lost records shows here.
 * @internal
 */
import { fileURLToPath } from 'node:url';
import type { MiniVectorDB } from '../minivectordb.js';
import { intOption, parseCommand, storageUrl, UsageError } from './args.js';
import { openDatabase } from './database.js';
import { out, outJson, progress } from './output.js';
import { checkSectionCrcs, readSnapshotFile } from './snapshot-file.js';

export const VERIFY_USAGE = `minivectordb verify <db.mvdb> [options]

Checks a snapshot: layout, section checksums, a full open (the core checks
the graph's invariants), every record, and search self-consistency.
Exit code 0 when every check passes, 1 otherwise.

  --sample <n>           records used as queries in the search checks (default 200)
  --min-recall <r>       least mean recall@10 of the graph search against exact search (default 0.9)
  --json                 print the report as JSON`;

/** One check's outcome. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Runs the command; returns the exit code. */
export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { sample: { type: 'string' }, 'min-recall': { type: 'string' }, json: { type: 'boolean' } }, ['db.mvdb']);
  if (values.help === true) {
    out(VERIFY_USAGE);
    return 0;
  }
  const sample = intOption(values, 'sample', 200, 0, 1_000_000)!;
  const minRecall = values['min-recall'] === undefined ? 0.9 : Number(values['min-recall']);
  if (!(minRecall >= 0 && minRecall <= 1)) throw new UsageError(`--min-recall must be a number in [0, 1], got ${JSON.stringify(values['min-recall'])}`);
  const url = storageUrl(positionals[0]!);
  const checks = await runChecks(url, sample, minRecall);
  const ok = checks.every((c) => c.ok);
  if (values.json === true) outJson({ ok, checks });
  else for (const c of checks) out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return ok ? 0 : 1;
}

async function runChecks(url: string, sample: number, minRecall: number): Promise<Check[]> {
  const path = fileURLToPath(url);
  const checks: Check[] = [];
  const step = async (name: string, fn: () => Promise<string>): Promise<boolean> => {
    try {
      checks.push({ name, ok: true, detail: await fn() });
      return true;
    } catch (e) {
      checks.push({ name, ok: false, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      return false;
    }
  };
  let file: Awaited<ReturnType<typeof readSnapshotFile>> | undefined;
  if (!(await step('layout', async () => ((file = await readSnapshotFile(path)), `version ${file.version}, ${file.sections.length} sections, ${file.bytes} bytes`)))) return checks;
  if (
    !(await step('checksums', async () => {
      const crcs = await checkSectionCrcs(path, file!);
      if (crcs === undefined) return 'left to the open check (this Node has no zlib.crc32)';
      const bad = crcs.filter((c) => c.stored !== c.computed);
      if (bad.length > 0) throw new Error(`section ${bad.map((c) => `${c.tag} (stored ${hex(c.stored)}, computed ${hex(c.computed)})`).join(', ')} damaged`);
      return `${crcs.length} sections match`;
    }))
  ) {
    return checks;
  }
  let db: MiniVectorDB | undefined;
  if (!(await step('open', async () => ((db = await openDatabase(url, {}, 'read')), `${db.size} records, dim ${db.dim}, ${db.metric}`)))) return checks;
  try {
    const sampled: { id: string; vector: Float32Array }[] = [];
    const ok = await step('records', async () => {
      const stats = db!.stats();
      if (stats.slots !== stats.count + stats.deleted) throw new Error(`slots ${stats.slots} ≠ count ${stats.count} + deleted ${stats.deleted}`);
      const every = Math.max(1, Math.floor(stats.count / Math.max(1, sample)));
      const seen = new Set<string>();
      const bar = progress('verify', stats.count, 'records');
      try {
        for await (const r of db!.records({ batchSize: 1024 })) {
          if (seen.size % 1024 === 0) bar.update(seen.size);
          if (seen.has(r.id)) throw new Error(`id ${JSON.stringify(r.id)} listed twice`);
          if (r.vector.length !== stats.dim || !r.vector.every(Number.isFinite)) throw new Error(`record ${JSON.stringify(r.id)} has a malformed vector`);
          if (seen.size % every === 0 && sampled.length < sample) sampled.push({ id: r.id, vector: r.vector });
          seen.add(r.id);
        }
      } finally {
        bar.stop();
      }
      if (seen.size !== stats.count) throw new Error(`${seen.size} records read, the counters say ${stats.count}`);
      return `${seen.size} records read back`;
    });
    if (ok && sampled.length > 0) await step('search', () => searchChecks(db!, sampled, minRecall));
  } finally {
    await db!.close();
  }
  return checks;
}

/** Exact search finds each sampled record; the graph search's recall@10 against exact search. */
async function searchChecks(db: MiniVectorDB, sampled: { id: string; vector: Float32Array }[], minRecall: number): Promise<string> {
  const k = 10;
  const queries = sampled.map((s) => s.vector);
  const exact = await db.searchBatch(queries, { k, exact: true });
  const graph = await db.searchBatch(queries, { k });
  if (db.metric !== 'ip') {
    // Its own vector is at distance 0 from a record (up to rounding); only exact duplicates may fill the list before it.
    const lost = sampled.filter((s, i) => !exact[i]!.some((h) => h.id === s.id) && !(exact[i]!.at(-1)!.distance <= 1e-6));
    if (lost.length > 0) throw new Error(`exact search with their own vector does not find ${lost.length} records (first: ${JSON.stringify(lost[0]!.id)})`);
  }
  let recall = 0;
  exact.forEach((truth, i) => {
    if (truth.length === 0) return void (recall += 1);
    const bound = truth.at(-1)!.distance;
    const tolerance = 1e-6 * Math.max(1, Math.abs(bound));
    recall += graph[i]!.filter((h) => h.distance <= bound + tolerance).length / truth.length;
  });
  recall /= sampled.length;
  if (recall < minRecall) throw new Error(`graph search recall@${k} ${recall.toFixed(3)} < ${minRecall} against exact search (${sampled.length} queries): the graph is damaged`);
  return `${sampled.length} queries: every record found by exact search, graph recall@${k} ${recall.toFixed(3)}`;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
