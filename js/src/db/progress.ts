/**
 * Progress callbacks of long calls (`insertMany`, `open`, `save`,
 * `compact`): read once, and guarded. Progress is for the caller's display,
 * so a callback that throws is reported to the logger at warn and never
 * stops the work (on the page as in a worker, where the callback runs on
 * the page).
 * @internal
 */
import { describe } from '../check.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Checks an `onProgress` option; returns a caller that never throws, or
 * undefined when none was given.
 * @throws InvalidArgumentError when it is neither undefined nor a function.
 */
export function guardProgress<A extends unknown[]>(callback: unknown, logger: Logger, work: string, what = 'onProgress'): ((...args: A) => void) | undefined {
  if (callback === undefined) return undefined;
  if (typeof callback !== 'function') throw new InvalidArgumentError(`${what} must be a function, got ${describe(callback)}`);
  return (...args: A): void => {
    try {
      (callback as (...a: A) => void)(...args);
    } catch (e) {
      logger.warn(`${what} threw (the ${work} goes on): ${String(e)}`);
    }
  };
}
