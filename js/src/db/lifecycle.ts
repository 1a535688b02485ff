/**
 * A database's life: building it (`create`), reading it back (`open`),
 * writing snapshots (`save`, autosave) and freeing it (`close`).
 * @internal
 */
import type { EmbedderConfig } from '../embed/index.js';
import { describe } from '../check.js';
import { asTypedError, DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { FilterPlanner } from '../filter/planner.js';
import { readTextIndexSettings, TextIndex } from '../lexical/text-index.js';
import type { Logger } from '../logger.js';
import { RecordTable } from '../records.js';
import { openStorage } from '../storage/index.js';
import { readTextSettings, TextEmbedding } from '../text.js';
import type { Metric } from '../types.js';
import { CoreIndex, type CoreConfig } from '../wasm/core-index.js';
import { loadCore } from '../wasm/load.js';
import { readCreateOptions, readOpenOptions, type IndexSettings } from './options.js';
import { snapshotOf } from './snapshot.js';
import type { DbState } from './state.js';

/** An opened database before its owner gives it a `changed` hook. */
export type OpenedDb = Omit<DbState, 'changed'>;

type CoreModule = Awaited<ReturnType<typeof loadCore>>;

/** The core index of the settings (CoreIndex.create checks every range). */
function coreIndex(mod: CoreModule, s: IndexSettings, dim: number): CoreIndex {
  const config: CoreConfig = { ...s, dim };
  return CoreIndex.create(mod, config);
}

/** Builds an empty database from the options of `create()`; see `MiniVectorDB.create`. */
export async function createDb(createOptions: unknown): Promise<OpenedDb> {
  const o = readCreateOptions(createOptions);
  const { logger } = o;
  const mod = await loadCore(o.wasm, logger);
  // The core checks the configuration before a model loads: at once when the
  // dimension is known, else on a one-dimensional probe (the embedder gives dim).
  let core = o.index.dim === undefined ? undefined : coreIndex(mod, o.index, o.index.dim);
  if (core === undefined) coreIndex(mod, o.index, 1).dispose();
  let text: TextEmbedding | undefined;
  try {
    text = o.embedder === undefined ? undefined : await TextEmbedding.create(o.embedder, logger);
    const dim = o.index.dim ?? text!.info.dim;
    if (text !== undefined && text.info.dim !== dim) throw new DimensionMismatchError(dim, text.info.dim, `embedder ${text.info.model}`);
    core ??= coreIndex(mod, o.index, dim);
    core.setReuseDeleted(o.reuseDeleted);
  } catch (e) {
    core?.dispose();
    await text?.dispose();
    throw e;
  }
  logger.debug(`created ${o.index.metric} index, dim ${core.dim}, M ${o.index.M}, storage ${o.storage}`);
  return {
    core,
    records: new RecordTable(),
    filters: new FilterPlanner(),
    logger,
    metric: o.index.metric,
    storage: o.storage,
    text,
    storeText: o.storeText,
    lexical: o.textIndex === undefined ? undefined : new TextIndex(o.textIndex),
    autosaveMs: o.autosaveMs,
  };
}

/** Reads the snapshot at `url` (or takes its `given` bytes, already checked); see `MiniVectorDB.open`. */
export async function openDb(url: string, openOptions: unknown, given?: Uint8Array): Promise<OpenedDb> {
  const o = readOpenOptions(openOptions);
  if (typeof url !== 'string') throw new InvalidArgumentError(`url must be a string, got ${describe(url)}`);
  const { logger } = o;
  const bytes = given ?? (await (await openStorage(url)).read());
  const mod = await loadCore(o.wasm, logger);
  const { index, user } = CoreIndex.load(mod, bytes);
  try {
    index.setReuseDeleted(o.reuseDeleted);
    const { table: records, settings } = RecordTable.decode(user, index.size, (label) => index.isDeleted(label));
    const saved = readTextSettings(settings);
    const override = o.embedder as EmbedderConfig | undefined;
    const text =
      saved.embedder !== undefined
        ? TextEmbedding.restore(saved.embedder, index.dim, logger, override, o.embedderMismatch)
        : override === undefined
          ? undefined
          : await TextEmbedding.create(override, logger);
    if (text !== undefined && text.info.dim !== index.dim) {
      await text.dispose();
      throw new DimensionMismatchError(index.dim, text.info.dim, `embedder ${text.info.model}`);
    }
    const textIndex = readTextIndexSettings(saved.textIndex, saved.storeText);
    const t0 = performance.now();
    const lexical = textIndex === undefined ? undefined : TextIndex.restore(textIndex, saved.textPostings, records, index.size);
    if (lexical !== undefined) logger.debug(`text index of ${lexical.size} records ready in ${(performance.now() - t0).toFixed(0)} ms`);
    logger.debug(`opened ${url}: ${records.size} records, ${bytes.byteLength} bytes`);
    return {
      core: index,
      records,
      filters: new FilterPlanner(),
      logger,
      metric: index.config().metric,
      storage: url,
      text,
      storeText: saved.storeText,
      lexical,
      autosaveMs: o.autosaveMs,
    };
  } catch (e) {
    index.dispose();
    throw e;
  }
}

/** Serialises and writes a snapshot to `target` (the caller holds the call queue). */
export async function saveTo(db: DbState, target: string): Promise<void> {
  try {
    const adapter = await openStorage(target);
    const snapshot = snapshotOf(db);
    await adapter.write(snapshot.chunks, snapshot.byteLength).finally(snapshot.close);
    db.logger.debug(`saved ${snapshot.byteLength} bytes to ${target}`);
  } catch (e) {
    throw asTypedError(e, `cannot save to ${target}`); // e.g. the snapshot's copy out of wasm memory failing
  }
}

/** Frees what a database holds besides its queue: the embedder, then the index. */
export async function disposeDb(db: DbState): Promise<void> {
  await db.text?.dispose().catch((e: unknown) => db.logger.warn(`disposing the embedder failed: ${String(e)}`));
  db.core.dispose();
}

/**
 * Saving after changes, debounced: every change (re)starts the timer; when
 * it fires, `save` runs (queued behind the calls in progress). Failures go
 * to the logger at level error.
 */
export class Autosave {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private readonly delayMs: number | undefined,
    private readonly save: () => Promise<void>,
    private readonly logger: Logger,
    private readonly storage: string,
  ) {}

  /** Records a change: with autosave on, (re)starts the debounce timer. */
  changed(): void {
    if (this.delayMs === undefined || this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.save().catch((e: unknown) => this.logger.error(`autosave to ${this.storage} failed: ${String(e)}`));
    }, this.delayMs);
    // In Node, a pending autosave must not keep the process alive (close() flushes it).
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops the timer for good. @returns whether a save was pending (close() then writes it). */
  stop(): boolean {
    this.#stopped = true;
    const pending = this.#timer !== undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return pending;
  }
}
