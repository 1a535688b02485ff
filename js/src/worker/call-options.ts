/**
 * What in a call's options cannot be posted to a worker: an `AbortSignal`
 * and an `onProgress` function. On the page they are taken out of the
 * options ({@link splitOptions}); the callback goes as a Comlink proxy
 * argument, the signal as a number: an abort on the page posts
 * `abort(id)` ({@link forwardAbort}), and the worker aborts its own
 * `AbortController` for that id ({@link WorkerSignals}). On the worker side
 * {@link joinOptions} puts the two back in the options the database reads.
 */
import { releaseProxy, type Remote } from 'comlink';
import type { Logger } from '../logger.js';

/** The options of a call with its signal and callback taken out. */
export interface SplitOptions {
  options: unknown;
  signal: AbortSignal | undefined;
  callback: ((...a: never[]) => unknown) | undefined;
}

/** True for an `AbortSignal` (of this realm or another). */
function isSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal) return true;
  const v = value as { aborted?: unknown; addEventListener?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function';
}

/**
 * Takes `signal` (an `AbortSignal`) and `onProgress` (a function) out of
 * `options`, under `progressKey`. Anything else under those keys stays, so
 * the worker's checks reject it as the page's would.
 */
export function splitOptions(options: unknown, progressKey = 'onProgress'): SplitOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return { options, signal: undefined, callback: undefined };
  const rest = { ...(options as Record<string, unknown>) };
  const signal = isSignal(rest.signal) ? rest.signal : undefined;
  if (signal !== undefined) delete rest.signal;
  const callback = typeof rest[progressKey] === 'function' ? (rest[progressKey] as (...a: never[]) => unknown) : undefined;
  if (callback !== undefined) delete rest[progressKey];
  return { options: signal === undefined && callback === undefined ? options : rest, signal, callback };
}

/** The rejection of a call the page aborted: the page's own `signal.reason`, as `fetch` rejects. */
export function abortedCall(signal: AbortSignal | undefined, error: unknown): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  return signal?.aborted === true && name === 'AbortError' ? signal.reason : error;
}

let nextSignalId = 1;

/**
 * Gives `signal` an id and, until `dispose()`, posts `abort(id)` when it
 * aborts (an `AbortSignal` cannot be posted).
 */
export function forwardAbort(signal: AbortSignal | undefined, abort: (id: number) => Promise<unknown>): { id: number | undefined; dispose(): void } {
  if (signal === undefined) return { id: undefined, dispose: () => undefined };
  const id = nextSignalId++;
  const onAbort = (): void => void abort(id).catch(() => undefined); // the worker may have ended
  signal.addEventListener('abort', onAbort, { once: true });
  return { id, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** The worker's `AbortController`s, one per signal id the page sent. */
export class WorkerSignals {
  readonly #controllers = new Map<number, AbortController>();

  /** The signal for `id` (undefined: none sent). */
  signal(id: unknown): AbortSignal | undefined {
    if (typeof id !== 'number') return undefined;
    let controller = this.#controllers.get(id);
    if (controller === undefined) this.#controllers.set(id, (controller = new AbortController()));
    return controller.signal;
  }

  /** Aborts the signal of `id`, as the page's did (the page rejects with its own reason). */
  abort(id: unknown): void {
    if (typeof id !== 'number') return;
    this.#controllers.get(id)?.abort(new DOMException('The operation was aborted.', 'AbortError'));
  }

  /** Forgets `id` once its call has ended. */
  release(id: unknown): void {
    if (typeof id === 'number') this.#controllers.delete(id);
  }
}

/**
 * A progress callback in the worker whose calls are messages to the page's
 * callback (`remote`): not awaited one by one (the work does not wait for
 * the page), but `settle()` waits until all have been delivered; one that
 * throws on the page is logged at warn and never stops the work.
 */
export function remoteProgress(remote: unknown, logger: Logger, work: string): { call: (...a: unknown[]) => void; delivered(): Promise<void>; settle(): Promise<void> } {
  const fn = remote as Remote<(...a: unknown[]) => unknown>;
  const pending: Promise<unknown>[] = [];
  return {
    call: (...a) => void pending.push(fn(...a).catch((e: unknown) => logger.warn(`onProgress threw (the ${work} goes on): ${String(e)}`))),
    /** Waits until the calls made so far have been delivered. */
    async delivered() {
      await Promise.allSettled(pending.splice(0));
    },
    /** Waits for delivery, then releases the page's callback. */
    async settle() {
      await Promise.allSettled(pending.splice(0));
      fn[releaseProxy]();
    },
  };
}

/** `options` with the worker's `signal` and progress callback put back (under `progressKey`). */
export function joinOptions(options: unknown, signal: AbortSignal | undefined, onProgress: ((...a: unknown[]) => void) | undefined, progressKey = 'onProgress'): unknown {
  if (signal === undefined && onProgress === undefined) return options;
  return {
    ...(options as object | undefined),
    ...(signal === undefined ? {} : { signal }),
    ...(onProgress === undefined ? {} : { [progressKey]: onProgress }),
  };
}
