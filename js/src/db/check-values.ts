/**
 * The core's vector value rule, asked before anything of a call changes and
 * named as the caller knows the vectors.
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import type { CoreIndex } from '../wasm/core-index.js';

/**
 * Checks `n` rows (n·dim float32) with `CoreIndex.checkVectors` (the core's
 * `mvdb::CheckVectors`: finite values, squared norm at most FLT_MAX / 8,
 * non-zero for cosine; one place for the rule) and throws for the first bad
 * one, which the core calls "item i", as `name(i)` (e.g. `items[1500].vector`).
 * @throws InvalidArgumentError — the first rejected row, with the core's reason.
 */
export function checkValues(core: CoreIndex, rows: Float32Array, n: number, name: (i: number) => string): void {
  const problem = core.checkVectors(rows, n);
  if (problem !== undefined) throw new InvalidArgumentError(problem.message.replace(/^item \d+/, name(problem.item)));
}
