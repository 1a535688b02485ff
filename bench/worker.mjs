// Child process of bench/run.mjs: runs one job (one system, one dataset, one
// round) in a fresh Node process, so each system gets its own heap, JIT and
// peak-memory reading, and a crashing peer cannot take the run down.
// Receives the job as JSON on argv[2]; sends the result with process.send().
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadVectors } from './lib/data.mjs';
import { runJob } from './lib/job.mjs';
import { runFilteredJob } from './lib/filtered.mjs';
import { rssProbe } from './lib/memory.mjs';
import { SYSTEMS } from './systems/index.mjs';

const job = JSON.parse(process.argv[2]);
const snapshotDir = mkdtempSync(join(tmpdir(), 'mvdb-bench-'));
const send = (msg) => new Promise((resolve) => process.send(msg, resolve));

try {
  const mod = await SYSTEMS[job.system]();
  const system = await mod.open({
    tmpDir: snapshotDir,
    fileSize: (p) => statSync(p).size,
    fileUrl: (p) => pathToFileURL(p).href,
    version: job.ourVersion,
  });
  const log = (line) => process.send({ log: line });
  let result;
  if (system.runWhole) {
    // A native reference process does the whole job on the dataset's files.
    if (job.opts.kind === 'filtered') throw new Error(`${job.system} has no filtered search`);
    result = await system.runWhole(job.dataDir, job.opts, log);
  } else {
    const data = loadVectors(job.dataDir);
    const run = job.opts.kind === 'filtered' ? runFilteredJob : runJob;
    result = await run(system, data, job.opts, {
      now: () => performance.now(),
      memory: rssProbe(),
      snapshotDir,
      log,
    });
  }
  await send({ result });
} catch (error) {
  await send({ error: String(error?.stack ?? error) });
} finally {
  rmSync(snapshotDir, { recursive: true, force: true });
}
process.exit(0);
