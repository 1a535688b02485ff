/**
 * The Deno, Bun and workerd executables that `npm ci` installs from their
 * platform packages. Their postinstall scripts do not run (package.json
 * `allowScripts`), so Bun's `node_modules/bun/bin/bun.exe` stays a 450-byte
 * placeholder on a fresh clone and the binary is the platform package's
 * `bin/bun`; where the postinstall did run, bun.exe is the binary itself.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './pack.js';

const nm = join(root, 'node_modules');

/** True on the one platform whose binaries package.json's lockfile pins for CI. */
export const supportedPlatform = process.platform === 'linux' && process.arch === 'x64';

function firstExecutable(candidates: string[]): string {
  const found = candidates.find((f) => existsSync(f) && statSync(f).size > 1_000_000);
  if (found === undefined) throw new Error(`none of ${candidates.join(', ')} is an executable: run npm ci`);
  return found;
}

export const binaries = {
  deno: () => firstExecutable([join(nm, '@deno/linux-x64-glibc/deno')]),
  bun: () => firstExecutable([join(nm, '@oven/bun-linux-x64/bin/bun'), join(nm, 'bun/bin/bun.exe')]),
  workerd: () => firstExecutable([join(nm, '@cloudflare/workerd-linux-64/bin/workerd')]),
};
