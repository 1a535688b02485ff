/**
 * The main-thread side of `host-thread.mjs`: one thread, and per database a
 * MessageChannel dressed as a `worker_threads` Worker (on/off/postMessage,
 * once('error' | 'exit'), terminate), handed to `createInWorker({ worker })`.
 * `terminate()` (what `close()` calls) closes that database's port only; the
 * thread and its storage live until {@link SharedHostThread.stop}.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import { wrap, type Remote } from 'comlink';
// @ts-expect-error -- comlink ships this adapter's types as node-adapter.d.ts, which NodeNext does not pair with a .mjs file
import adapter from 'comlink/dist/esm/node-adapter.mjs';

const nodeEndpoint = adapter as (port: unknown) => Parameters<typeof wrap>[0];

/** Raw snapshot bytes behind a storage URL, read and written in the host thread. */
export interface RawStorage {
  read(url: string): Promise<Uint8Array>;
  write(url: string, bytes: Uint8Array): Promise<void>;
}

export class SharedHostThread {
  readonly #thread = new Worker(new URL('./host-thread.mjs', import.meta.url));
  /** Every live per-database port, told when the thread dies. */
  readonly #live = new Set<EventEmitter>();
  readonly raw: Remote<RawStorage>;

  constructor() {
    for (const event of ['error', 'exit'] as const) {
      this.#thread.on(event, (value: unknown) => {
        for (const port of this.#live) port.emit(event, value);
      });
    }
    const { port1, port2 } = new MessageChannel();
    this.#thread.postMessage({ kind: 'raw', port: port2 }, [port2]);
    this.raw = wrap<RawStorage>(nodeEndpoint(port1));
    port1.unref();
  }

  /** A Worker look-alike for one database in this thread. */
  worker(): unknown {
    const { port1, port2 } = new MessageChannel();
    this.#thread.postMessage({ kind: 'database', port: port2 }, [port2]);
    const events = new EventEmitter();
    this.#live.add(events);
    return {
      postMessage: (message: unknown, transfer?: readonly unknown[]) => port1.postMessage(message, transfer as never),
      on: (event: 'message', listener: (value: unknown) => void) => port1.on(event, listener),
      off: (event: 'message', listener: (value: unknown) => void) => port1.off(event, listener),
      start: () => port1.start(),
      once: (event: 'error' | 'exit', listener: (value: unknown) => void) => events.once(event, listener),
      terminate: async () => {
        this.#live.delete(events);
        port1.close();
        return 0;
      },
    };
  }

  async stop(): Promise<void> {
    this.#live.clear();
    await this.#thread.terminate();
  }
}
