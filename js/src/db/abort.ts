/**
 * Cancelling a call with an `AbortSignal`, as `fetch` does: the call rejects
 * with the signal's `reason` (a `DOMException` named `'AbortError'` unless
 * the caller gave `abort()` another reason), and a signal that is already
 * aborted rejects before any work. The work itself checks the signal only
 * between its steps, where stopping leaves nothing half done.
 * @internal
 */
import { describe } from '../check.js';
import { InvalidArgumentError } from '../errors.js';

/** True for an `AbortSignal` of any realm a test or a polyfill may bring (Node's, jsdom's). */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal) return true;
  const v = value as { aborted?: unknown; addEventListener?: unknown; throwIfAborted?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function' && typeof v.throwIfAborted === 'function';
}

/**
 * Reads a `signal` option.
 * @throws InvalidArgumentError when it is neither undefined nor an `AbortSignal`.
 */
export function checkSignal(value: unknown, what = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!isAbortSignal(value)) throw new InvalidArgumentError(`${what} must be an AbortSignal, got ${describe(value)}`);
  return value;
}

/** Throws the signal's reason when it has been aborted (a step boundary of the work). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw signal.reason;
}

/**
 * `run`'s outcome, or the signal's reason as soon as the signal aborts while
 * `run` has not started (`started()` false): a call waiting in the
 * database's queue gives up at once; once it runs, only the work's own
 * checks stop it (so it never rejects while its changes are still applied).
 */
export function abortWhileQueued<T>(run: Promise<T>, signal: AbortSignal | undefined, started: () => boolean): Promise<T> {
  if (signal === undefined) return run;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      if (!started()) reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Resolves in a later task of the event loop (not a microtask), so that
 * events queued meanwhile — an abort, a message from the page — run first.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The `signal` of an options object when it is an `AbortSignal`, for the
 * call queue (`abortWhileQueued`); anything else (and a getter that throws)
 * is left to the method's own option checks, which report it.
 */
export function queueSignal(options: unknown): AbortSignal | undefined {
  try {
    const signal = (options as { signal?: unknown } | null | undefined)?.signal;
    return isAbortSignal(signal) ? signal : undefined;
  } catch {
    return undefined;
  }
}
