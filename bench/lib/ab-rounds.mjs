// Alternating A/B rounds of ab-search.mjs for two builds, on a shared
// machine: `node bench/lib/ab-rounds.mjs OLD_DIST NEW_DIST DATASET_DIR [int8] [--rounds N]`
// runs ab-search.mjs N times per build (default 5), old then new then old…,
// each in its own process, and prints per measure the median QPS of each
// build over its rounds, the spread of its rounds (min–max), and new ÷ old
// of the medians. Alternating spreads the machine's load changes over both
// builds; the median drops the rounds a burst of load hit.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const rounds = at >= 0 ? Number(args.splice(at, 2)[1]) : 5;
const [oldDist, newDist, dataDir, quantization] = args;
if (!oldDist || !newDist || !dataDir || !(rounds >= 1)) {
  throw new Error('usage: node bench/lib/ab-rounds.mjs OLD_DIST NEW_DIST DATASET_DIR [int8] [--rounds N]');
}
const script = fileURLToPath(new URL('./ab-search.mjs', import.meta.url));
const runs = { old: [], new: [] };
for (let r = 0; r < rounds; r++) {
  for (const [which, dist] of [['old', oldDist], ['new', newDist]]) {
    const out = execFileSync(process.execPath, [script, dist, dataDir, ...(quantization ? [quantization] : [])], { encoding: 'utf8' });
    const line = JSON.parse(out.trim().split('\n').pop());
    runs[which].push(line);
    process.stderr.write(`round ${r + 1} ${which}: ${JSON.stringify(line)}\n`);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const measures = Object.keys(runs.old[0]).filter((k) => typeof runs.old[0][k] === 'number');
const table = {};
for (const m of measures) {
  const [o, n] = [runs.old.map((x) => x[m]), runs.new.map((x) => x[m])];
  table[m] = {
    old: Math.round(median(o)),
    oldSpread: `${Math.min(...o)}–${Math.max(...o)}`,
    new: Math.round(median(n)),
    newSpread: `${Math.min(...n)}–${Math.max(...n)}`,
    ratio: Number((median(n) / median(o)).toFixed(3)),
  };
}
console.log(JSON.stringify({ data: dataDir, quantization: quantization ?? 'none', rounds, table }, null, 1));
