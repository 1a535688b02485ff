// Runs one job in a fresh Node child process (bench/worker.mjs) and resolves
// with { result } or { error }; a crash, a signal or a timeout is an error.
import { fork } from 'node:child_process';

const workerUrl = new URL('../worker.mjs', import.meta.url);

export function runNodeJob(job, { log = () => {}, timeoutMs = 60 * 60 * 1000 } = {}) {
  return new Promise((resolve) => {
    const child = fork(workerUrl, [JSON.stringify(job)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let settled = null;
    let stderr = '';
    child.stdout.on('data', () => {}); // peers may print; ignore
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    const timer = setTimeout(() => {
      settled ??= { error: `timed out after ${Math.round(timeoutMs / 1000)} s` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m) => {
      if (m.log) log(m.log);
      else if (m.result) settled ??= { result: m.result };
      else if (m.error) settled ??= { error: m.error };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (settled === null) {
        const tail = stderr.trim().split('\n').slice(-5).join(' | ');
        settled = { error: `worker exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}` };
      }
      resolve(settled);
    });
  });
}
