// Peak memory of open() (issue #17): a file:// snapshot is streamed into the
// WebAssembly heap in 8 MiB reads, so the process peaks near the index's own
// size, not twice the file (the whole file in JS beside the heap).
//
//   node bench/open-memory.mjs                  # a 500 MB snapshot (122,070 × 1024-d), made once in the temp folder
//   node bench/open-memory.mjs --mb 64          # smaller
//   node bench/open-memory.mjs --dist /other/dist   # the same file opened by another build
//
// The snapshot is built with M 4, efConstruction 8 (its graph does not
// matter here) and kept as <tmp>/mvdb-open-memory-<mb>.mvdb for later runs.
// Each open runs in a fresh process; peak RSS is getrusage's maxrss, the
// baseline the RSS once the core is loaded (a tiny database created first).
// Uses the built package (dist/): run `node scripts/build.mjs` first.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '500' },
    dim: { type: 'string', default: '1024' },
    dist: { type: 'string', default: fileURLToPath(new URL('../dist', import.meta.url)) },
    child: { type: 'string' },
    runs: { type: 'string', default: '3' },
  },
});
const dist = resolve(args.dist);
const { MiniVectorDB } = await import(pathToFileURL(join(dist, 'index.js')).href);

if (args.child !== undefined) {
  // The measured process: load the core, then open the snapshot read-only.
  const warm = await MiniVectorDB.create({ dim: 4 });
  await warm.close();
  const before = process.memoryUsage().rss;
  const t = performance.now();
  const db = await MiniVectorDB.open(pathToFileURL(args.child).href, { lock: 'readonly', durability: 'manual' });
  const ms = performance.now() - t;
  const peak = process.resourceUsage().maxRSS * 1024;
  const after = process.memoryUsage().rss;
  console.log(JSON.stringify({ before, peak, after, ms, size: db.size, memoryBytes: db.stats().memoryBytes }));
  await db.close();
  process.exit(0);
}

const MB = Number(args.mb);
const DIM = Number(args.dim);
const path = join(tmpdir(), `mvdb-open-memory-${MB}.mvdb`);
if (!existsSync(path)) {
  const n = Math.floor((MB * 1e6) / (4 * DIM));
  console.log(`making ${path}: ${n} × ${DIM}-d`);
  const db = await MiniVectorDB.create({ dim: DIM, M: 4, efConstruction: 8, storage: pathToFileURL(path).href, durability: 'manual' });
  let seed = 7;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < n; i += 4096) {
    const items = [];
    for (let j = i; j < Math.min(n, i + 4096); j++) items.push({ id: `v${j}`, vector: Float32Array.from({ length: DIM }, rnd) });
    await db.insertMany(items);
  }
  await db.save();
  await db.close();
}
const fileBytes = statSync(path).size;
const mib = (b) => (b / 2 ** 20).toFixed(0);
console.log(`open() of ${path} (${mib(fileBytes)} MiB) with ${dist}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| run | peak RSS − RSS before open | peak / file | index memory (stats) | open time |\n|---|---|---|---|---|');
for (let r = 0; r < Number(args.runs); r++) {
  const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--dist', dist, '--child', path], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  const m = JSON.parse(out.stdout.trim().split('\n').pop());
  console.log(`| ${r + 1} | ${mib(m.peak - m.before)} MiB | ${((m.peak - m.before) / fileBytes).toFixed(2)} | ${mib(m.memoryBytes)} MiB | ${(m.ms / 1000).toFixed(1)} s |`);
}
