/**
 * The demo's flow. First visit: fetch the corpus, embed and index it in the
 * database worker (progress: count, rate, ETA), save the snapshot to
 * IndexedDB. Later visits: open that snapshot (no embedding at all). Then:
 * search as you type, a section filter, your own texts, a model switch.
 * `window.__demo` exposes what happened (tests read it).
 */
import type { InsertItem, SearchHit } from 'minivectordb';
import type { SearchMode } from 'minivectordb';
import { fetchCorpus, packageItem, sectionCounts, TEXT_INDEX, TEXT_WEIGHT, type HitMetadata } from './corpus.js';
import { createDb, openDb, removeSaved, type DemoDb } from './db.js';
import * as fmt from './format.js';
import { DEFAULT_HOST, embedderOption, modelName, snapshotUrl, type ModelChoice } from './model.js';
import { loadState, saveState, type Note, type SavedState } from './saved-state.js';
import { snapshotBytes } from './snapshot-size.js';
import type { DemoStatus } from './status.js';
import { hideProgress, renderHits, renderSections, setControls, showProgress, ui } from './view.js';

/** Items per insertMany call while building (each call reports its own embed and insert progress). */
const BATCH = 1000;
/** Delay between the last keystroke and the search. */
const DEBOUNCE_MS = 120;
/** Hits shown per query. */
const K = 10;
/** The section of the user's own texts. */
const NOTES_SECTION = 'my notes';
/** efConstruction of the demo's index: half the library default, for a faster first visit at this size. */
const EF_CONSTRUCTION = 100;

const demo: DemoStatus = { state: 'loading', embedded: 0, progressShown: false, progressUpdates: 0, model: 'wordnet-256', searches: 0 };
(window as unknown as { __demo: DemoStatus }).__demo = demo;

let db: DemoDb | undefined;
let saved: SavedState | undefined;

function noteItem(n: Note): InsertItem {
  const metadata: HitMetadata = { name: 'Your text', section: NOTES_SECTION, summary: n.text };
  return { id: n.id, text: n.text, metadata: { ...metadata } };
}

function withNotes(sections: [string, number][], notes: readonly Note[]): [string, number][] {
  const rest = sections.filter(([s]) => s !== NOTES_SECTION);
  return notes.length === 0 ? rest : [[NOTES_SECTION, notes.length], ...rest];
}

/** Builds the index for `model` from the corpus plus `notes`, saves it, and makes it current. */
async function build(model: ModelChoice, notes: Note[]): Promise<void> {
  demo.state = 'building';
  demo.progressShown = true;
  ui.searchMeta.textContent = 'Search opens when the index is ready (a first visit only: it is then saved in this browser).';
  const view = { title: `Building the index with ${modelName(model)}`, phase: 'downloading the corpus', done: 0, total: 0, fraction: 0, rate: NaN };
  showProgress(view);
  const corpus = await fetchCorpus((loaded, total) => showProgress({ ...view, phase: `downloading the corpus: ${fmt.bytes(loaded)}${total ? ` of ${fmt.bytes(total)}` : ''}` }));
  ui.corpusCount.textContent = fmt.count(corpus.count);
  showProgress({ ...view, phase: `loading ${modelName(model)}`, total: corpus.count });
  const url = snapshotUrl(model);
  // storeText + textIndex: the BM25 index of hybrid search (name weighted, see corpus.ts).
  const next = await createDb({ storage: url, efConstruction: EF_CONSTRUCTION, storeText: true, textIndex: TEXT_INDEX, ...embedderOption(model) });
  try {
    const items = corpus.rows.map(packageItem).concat(notes.map(noteItem));
    const total = items.length;
    const t0 = performance.now();
    const report = (indexed: number, fraction: number, phase: string) => {
      const seconds = (performance.now() - t0) / 1000;
      const p = { done: indexed, total, fraction, rate: indexed > 0 ? indexed / seconds : NaN };
      demo.progress = p;
      demo.progressUpdates++;
      showProgress({ ...view, ...p, phase });
    };
    for (let start = 0; start < total; start += BATCH) {
      const batch = items.slice(start, start + BATCH);
      demo.embedded += batch.length;
      await next.insertMany(batch, {
        onProgress: (done, n, phase) =>
          phase === 'embed'
            ? report(start, (start + done / 2) / total, 'embedding')
            : report(start + done, (start + n / 2 + done / 2) / total, 'indexing'),
      });
    }
    demo.buildMs = performance.now() - t0;
    report(total, 1, 'saving to IndexedDB');
    await next.save();
    saved = {
      version: 2,
      url,
      model,
      packages: corpus.count,
      sections: withNotes(sectionCounts(corpus.rows), notes),
      notes,
      build: { ms: demo.buildMs, rate: total / (demo.buildMs / 1000) },
    };
    saveState(saved);
  } catch (e) {
    await next.close().catch(() => undefined);
    throw e;
  }
  db = next;
  demo.source = 'built';
  hideProgress();
}

/** Opens the saved snapshot: no corpus download, no embedding. */
async function restore(state: SavedState): Promise<void> {
  ui.searchMeta.textContent = 'Restoring the index from IndexedDB…';
  const t0 = performance.now();
  const opened = await openDb(state.url, embedderOption(state.model));
  try {
    await opened.count();
  } catch (e) {
    await opened.close().catch(() => undefined);
    throw e;
  }
  demo.restoreMs = performance.now() - t0;
  db = opened;
  saved = state;
  demo.source = 'restored';
  ui.corpusCount.textContent = fmt.count(state.packages);
}

async function refreshStats(): Promise<void> {
  if (db === undefined || saved === undefined) return;
  const stats = await db.stats();
  const bytes = await snapshotBytes(saved.url).catch(() => undefined);
  Object.assign(demo, { model: modelName(saved.model), dim: stats.dim, count: stats.count, snapshotBytes: bytes });
  ui.statItems.textContent = fmt.count(stats.count);
  ui.statModel.textContent = modelName(saved.model);
  ui.statDim.textContent = String(stats.dim);
  ui.statMemory.textContent = fmt.bytes(stats.memoryBytes);
  ui.statSnapshot.textContent = bytes === undefined ? '–' : fmt.bytes(bytes);
  if (demo.source === 'restored') {
    ui.statLoadLabel.textContent = 'Restored in';
    ui.statLoad.textContent = fmt.ms(demo.restoreMs!);
  } else {
    ui.statLoadLabel.textContent = 'Built in';
    ui.statLoad.textContent = `${fmt.ms(demo.buildMs!)} (${fmt.count(saved.build.rate)}/s)`;
  }
}

/** Shows the index's stats, then marks the page ready (tests read `__demo` once it is). */
async function ready(): Promise<void> {
  renderSections(saved!.sections);
  setControls(true);
  ui.modelId.value = saved!.model.id ?? '';
  ui.modelHost.value = saved!.model.host ?? DEFAULT_HOST;
  await refreshStats();
  demo.state = 'ready';
  void search();
}

function fail(e: unknown, where: HTMLElement = ui.searchMeta): void {
  const message = e instanceof Error ? e.message : String(e);
  demo.error = message;
  where.textContent = message;
  where.classList.add('error');
}

let searchSeq = 0;
async function search(): Promise<void> {
  if (db === undefined) return;
  const query = ui.query.value.trim();
  const section = ui.section.value;
  const mode = ui.mode.value as SearchMode;
  const seq = ++searchSeq;
  if (query === '') {
    ui.results.replaceChildren();
    ui.searchMeta.textContent = `${fmt.count(demo.count ?? saved?.packages ?? 0)} items indexed. Type what you are looking for.`;
    return;
  }
  const t0 = performance.now();
  let hits: SearchHit[];
  try {
    hits = await db.search(query, { k: K, mode, textWeight: TEXT_WEIGHT, ...(section === '' ? {} : { filter: { section } }) });
  } catch (e) {
    if (seq === searchSeq) fail(e);
    return;
  }
  const ms = performance.now() - t0;
  if (seq !== searchSeq) return; // a newer query is on its way
  ui.searchMeta.classList.remove('error');
  ui.searchMeta.textContent = `${hits.length} results in ${fmt.ms(ms)}${section === '' ? '' : ` · section ${section}`}`;
  renderHits(hits);
  demo.searches++;
  demo.lastSearch = {
    query,
    section,
    mode,
    ms,
    hits: hits.map((h) => {
      const m = h.metadata as unknown as HitMetadata;
      return { id: h.id, name: m.name, section: m.section, score: h.score, ...(h.ranks === undefined ? {} : { ranks: h.ranks }) };
    }),
  };
}

let debounce: ReturnType<typeof setTimeout> | undefined;
ui.query.addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => void search(), DEBOUNCE_MS);
});
ui.section.addEventListener('change', () => void search());
ui.mode.addEventListener('change', () => void search());
ui.searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(debounce);
  void search();
});

ui.noteForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    const text = ui.note.value.trim();
    if (db === undefined || saved === undefined || text === '') return;
    const note = { id: `note:${Date.now().toString(36)}`, text };
    ui.noteAdd.disabled = true;
    try {
      demo.embedded++;
      await db.insert(noteItem(note));
      ui.note.value = '';
      ui.noteStatus.textContent = 'Added · saving…';
      // The note's write-ahead log record made durable: one small IndexedDB
      // transaction, not a rewrite of the whole snapshot (the next open replays it).
      const t0 = performance.now();
      await db.flush();
      demo.noteSaveMs = performance.now() - t0;
      ui.statNoteSave.textContent = fmt.ms(demo.noteSaveMs);
      void search();
      saved = { ...saved, notes: [...saved.notes, note], sections: withNotes(saved.sections, [...saved.notes, note]) };
      saveState(saved);
      renderSections(saved.sections);
      ui.noteStatus.textContent = `Added and saved in ${fmt.ms(demo.noteSaveMs)}`;
      await refreshStats();
    } catch (err) {
      fail(err, ui.noteStatus);
    } finally {
      ui.noteAdd.disabled = false;
    }
  })();
});

async function switchModel(model: ModelChoice): Promise<void> {
  const previous = saved;
  setControls(false);
  ui.modelStatus.classList.remove('error');
  ui.modelStatus.textContent = `Rebuilding with ${modelName(model)}…`;
  await db?.close();
  db = undefined;
  try {
    await build(model, previous?.notes ?? []);
    if (previous !== undefined && previous.url !== saved!.url) await removeSaved(previous.url);
    ui.modelStatus.textContent = `Now using ${modelName(model)}.`;
  } catch (e) {
    hideProgress();
    fail(e, ui.modelStatus);
    if (previous !== undefined) await restore(previous);
  }
  await ready();
}

ui.modelForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const id = ui.modelId.value.trim();
  const host = ui.modelHost.value.trim().replace(/\/+$/, '') || DEFAULT_HOST;
  void switchModel(id === '' ? {} : { id, host });
});
ui.modelDefault.addEventListener('click', () => void switchModel({}));

async function boot(): Promise<void> {
  const state = loadState();
  if (state !== undefined && state.version === 2) {
    let restored = false;
    try {
      await restore(state);
      restored = true;
    } catch (e) {
      console.warn(`could not restore ${state.url}, rebuilding: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (restored) {
      await ready();
      return;
    }
  }
  await build(state?.model ?? {}, state?.notes ?? []);
  await ready();
}

boot().catch((e: unknown) => {
  demo.state = 'error';
  hideProgress();
  fail(e);
});
