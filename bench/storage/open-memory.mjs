#!/usr/bin/env node
// Peak memory of open() of a large idb:// and opfs:// checkpoint in headless
// Chromium (issue #17): streamed chunk by chunk into the WebAssembly heap,
// against the checkpoint read whole into JS first and then loaded (what
// open() of these backends did before they streamed; bench/open-memory.mjs
// is the file:// counterpart in Node).
//
// Memory is the renderer process's resident set read from /proc (Linux):
// each open runs in a new tab (a renderer process of its own; opfs:// in
// that tab's worker, the same process), after the core is loaded there; the
// peak is the highest VmRSS polled every 20 ms and VmHWM (reset through
// /proc/<pid>/clear_refs where the kernel allows it), less the VmRSS before
// the open. Every renderer of this Chromium is watched and the one that grew
// most is reported (Chromium keeps a spare renderer, so which process a new
// tab gets is not known in advance). The IndexedDB backend's own process
// (the browser's storage service) is not counted.
//
//   node bench/storage/open-memory.mjs [--mb 200] [--dim 1024] [--runs 2]
// Uses the built package (node scripts/build.mjs first).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startStorageApp } from './app.mjs';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '200' }, dim: { type: 'string', default: '1024' }, runs: { type: 'string', default: '2' } },
});
const MB = Number(values.mb);
const DIM = Number(values.dim);
const mib = (b) => (b / 2 ** 20).toFixed(0);

/** Pids of Chromium renderer processes descending from this process. */
function renderers() {
  const parent = new Map();
  const renderer = new Set();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=renderer')) renderer.add(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const descends = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  return [...renderer].filter(descends);
}

/** VmRSS and VmHWM of `pid` in bytes (0 once it has ended). */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false where not allowed. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const app = await startStorageApp();
try {
  const sources = {};
  const tab = await app.newTab();
  const t = performance.now();
  const built = await app.run(tab, 'page', 'memSource', 'idb://memory', MB, DIM);
  if (!built.ok) throw new Error(`memSource: ${built.name} ${built.message}`);
  sources.idb = built.value;
  console.log(`idb://memory: ${mib(built.value)} MiB checkpoint (built in ${((performance.now() - t) / 1000).toFixed(0)} s)`);
  const copied = await app.run(tab, 'worker', 'memCopy', 'idb://memory', 'opfs://memory');
  if (!copied.ok) throw new Error(`memCopy: ${copied.name} ${copied.message}`);
  sources.opfs = copied.value;
  await tab.close();
  console.log(`\nopen() of a ${MB} MB checkpoint (${DIM}-d float32 rows) in Chromium; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  console.log('| backend | how | run | renderer peak − before | peak / checkpoint | open time |\n|---|---|---|---|---|---|');
  for (const [scheme, where] of [['idb', 'page'], ['opfs', 'worker']]) {
    for (const how of ['open', 'whole']) {
      for (let run = 1; run <= Number(values.runs); run++) {
        const tab = await app.newTab();
        try {
          const warm = await app.run(tab, where, 'memWarm');
          if (!warm.ok) throw new Error(`memWarm: ${warm.message}`);
          await new Promise((r) => setTimeout(r, 500));
          const pids = renderers();
          const before = new Map(pids.map((p) => [p, memoryOf(p).rss]));
          const resettable = pids.every(resetPeak);
          const peak = new Map(before);
          const poll = setInterval(() => {
            for (const p of pids) peak.set(p, Math.max(peak.get(p), memoryOf(p).rss));
          }, 20);
          const opened = await app.run(tab, where, 'memOpen', `${scheme}://memory`, how);
          clearInterval(poll);
          if (!opened.ok) throw new Error(`memOpen ${scheme} ${how}: ${opened.name} ${opened.message}`);
          let growth = 0;
          for (const p of pids) {
            const m = memoryOf(p);
            const top = Math.max(peak.get(p), resettable ? m.hwm : 0);
            growth = Math.max(growth, top - before.get(p));
          }
          const label = how === 'open' ? 'open() (streamed)' : 'read whole, then loaded (before)';
          console.log(`| ${scheme}:// (${where}) | ${label} | ${run} | ${mib(growth)} MiB${resettable ? '' : ' (polled)'} | ${(growth / sources[scheme]).toFixed(2)} | ${(opened.value.ms / 1000).toFixed(1)} s |`);
          await app.run(tab, where, 'memClose');
        } finally {
          await tab.close();
        }
      }
    }
  }
} finally {
  await app.close();
}
