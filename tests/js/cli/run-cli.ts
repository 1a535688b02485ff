/** Runs the built CLI (dist/cli/main.js) as a child process, as `npx minivectordb` would. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `minivectordb ...args` to completion (never throws on a non-zero exit). */
export function runCli(args: string[], cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 64 * 2 ** 20, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') return reject(error);
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** Runs the command and parses its stdout as JSON; throws with stderr when it fails. */
export async function cliJson<T = unknown>(args: string[], cwd?: string): Promise<T> {
  const r = await runCli(args, cwd);
  if (r.code !== 0) throw new Error(`minivectordb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Writes records as JSON Lines. */
export function writeJsonl(path: string, records: readonly object[]): Promise<void> {
  return writeFile(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Starts `minivectordb serve` and resolves with its URL once it prints it. */
export function startServer(args: string[]): Promise<{ url: string; child: ChildProcess; stderr: () => string; exited: Promise<number> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = / on (http:\/\/\S+)/.exec(stdout);
      if (m !== null) resolve({ url: m[1]!, child, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}
