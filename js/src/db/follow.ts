/**
 * Readers following a writer in the browser (`idb://`, `opfs://`): after
 * each durable log append and each checkpoint the writer posts its log
 * sequence number on a `BroadcastChannel` named after the database; a
 * read-only instance that follows (option `follow`) refreshes itself,
 * debounced, when one arrives.
 *
 * A message is data only: a reader acts on nothing but the arrival of a
 * non-negative safe integer (anything else, from any page of the origin, is
 * ignored), and all it ever does is re-read its own storage.
 * @internal
 */
import type { Logger } from '../logger.js';
import type { WriteAheadLog } from '../storage/adapter.js';

/** A refresh starts this long (ms) after the last announcement it answers (a burst of appends costs one refresh). */
export const FOLLOW_DEBOUNCE_MS = 50;

/** The channel's name: a prefix keeps it apart from the application's own channels. */
export function followChannelName(url: string): string {
  return `minivectordb:${url}`;
}

/** True when changes to `url` are announced: browser storage (`idb://`, `opfs://`) where `BroadcastChannel` exists. */
export function canFollow(url: string): boolean {
  return (url.startsWith('idb://') || url.startsWith('opfs://')) && typeof BroadcastChannel === 'function';
}

/** A channel that does not keep a Node process alive (Node's BroadcastChannel has `unref`). */
function openChannel(url: string): BroadcastChannel {
  const channel = new BroadcastChannel(followChannelName(url));
  (channel as { unref?: () => void }).unref?.();
  return channel;
}

/**
 * Writer side: `log`, announcing `seq()` after every durable append and
 * every truncate (which follows a checkpoint) of the writer's log. Returns
 * `log` itself where changes to `url` are not announced.
 */
export function announcingLog(log: WriteAheadLog, url: string, seq: () => number, logger: Logger): WriteAheadLog {
  if (!canFollow(url)) return log;
  let channel: BroadcastChannel | undefined;
  const announce = (): void => {
    try {
      channel ??= openChannel(url);
      channel.postMessage(seq());
    } catch (e) {
      // Readers then see the change at their next refresh(); the write itself succeeded.
      logger.warn(`cannot announce a change of ${url} to readers: ${String(e)}`);
    }
  };
  return {
    read: () => log.read(),
    async append(bytes, durable) {
      await log.append(bytes, durable);
      if (durable) announce();
    },
    async sync() {
      await log.sync();
      announce();
    },
    size: () => log.size(),
    async truncate() {
      await log.truncate();
      announce();
    },
    async close() {
      channel?.close();
      channel = undefined;
      await log.close?.();
    },
  };
}

/**
 * Reader side: calls `refresh` {@link FOLLOW_DEBOUNCE_MS} ms after the last
 * valid announcement for `url`. Failures of `refresh` go to the logger at
 * warn (the reader keeps its state).
 */
export class Follower {
  readonly #channel: BroadcastChannel;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string, refresh: () => Promise<void>, logger: Logger) {
    this.#channel = openChannel(url);
    this.#channel.onmessage = (event: MessageEvent) => {
      const seq: unknown = event.data;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return; // not an announcement: ignored
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        refresh().catch((e: unknown) => logger.warn(`following ${url}: refresh failed, keeping the previous state: ${String(e)}`));
      }, FOLLOW_DEBOUNCE_MS);
      (this.#timer as { unref?: () => void }).unref?.();
    };
  }

  /** Stops listening for good. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#channel.onmessage = null;
    this.#channel.close();
  }
}
