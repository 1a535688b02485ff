// Writing a generated model folder as a whole: made beside its place, then
// renamed, so an interrupted run never leaves a half folder that looks
// complete (make-bert.mjs, make-clip.mjs).
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes `dir` with `write(tmp)` into `${dir}.tmp-<pid>`, then renames it into
 * place. A folder that has every one of `files` is kept (not rewritten)
 * unless `force`.
 * @param {string} dir
 * @param {readonly string[]} files - paths relative to `dir` that a complete folder has
 * @param {(tmp: string) => void} write
 * @param {boolean} [force]
 * @returns {string} `dir`
 */
export function writeFolderOnce(dir, files, write, force = false) {
  if (!force && files.every((f) => existsSync(join(dir, f)))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  write(tmp);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}
