// One crash trial of the write-ahead log: a child process runs a seeded mixed
// workload with durability 'strict' and is SIGKILLed after a random delay;
// the database is then reopened and compared with the reference state after
// the acknowledged operations (or after those plus the one in flight, which
// may or may not have reached the log). Used by tests/js/wal-crash.test.ts
// (a few trials) and bench/durability.mjs (hundreds).
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { MiniVectorDB } from 'minivectordb';
import { differences, Reference, workload } from './wal-workload.mjs';

const CHILD = fileURLToPath(new URL('./wal-crash-child.mjs', import.meta.url));
export const CRASH_DIM = 8;
const OPS = 2000;

/**
 * Runs one trial in folder `dir`.
 * @returns { acked, inFlight, ok, problems, killedAfterMs }
 */
export async function crashTrial(dir, seed, killAfterMs) {
  const url = pathToFileURL(join(dir, `crash-${seed}.mvdb`)).href;
  const child = spawn(process.execPath, [CHILD, url, String(seed), String(OPS), String(CRASH_DIM)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // Wait for the first checkpoint ('R'), then kill after the delay.
  await new Promise((resolve, reject) => {
    const check = () => {
      if (out.includes('R\n')) resolve();
    };
    child.stdout.on('data', check);
    child.on('exit', () => (out.includes('R\n') ? resolve() : reject(new Error(`child exited before ready: ${err}`))));
  });
  await new Promise((r) => setTimeout(r, killAfterMs));
  child.kill('SIGKILL');
  const { signal } = await exited;
  if (out.includes('D\n')) throw new Error('the workload finished before the kill: raise OPS');
  let acked = -1;
  let started = -1;
  for (const line of out.split('\n')) {
    if (line.startsWith('A ')) acked = Math.max(acked, Number(line.slice(2)));
    if (line.startsWith('S ')) started = Math.max(started, Number(line.slice(2)));
  }
  const ops = workload(seed, OPS, CRASH_DIM);
  const db = await MiniVectorDB.open(url, { durability: 'manual' });
  let problems;
  try {
    // Every acknowledged write present, nothing else changed: the state after
    // the acknowledged prefix, or after it plus the operation in flight.
    problems = await differences(db, Reference.after(ops.slice(0, acked + 1)));
    if (problems.length > 0 && started > acked) {
      const withInFlight = await differences(db, Reference.after(ops.slice(0, started + 1)));
      if (withInFlight.length === 0) problems = [];
    }
  } finally {
    await db.close();
  }
  await rm(fileURLToPath(url), { force: true });
  await rm(`${fileURLToPath(url)}-wal`, { force: true });
  return { acked: acked + 1, inFlight: started > acked, ok: problems.length === 0, problems, signal, killedAfterMs: killAfterMs };
}
