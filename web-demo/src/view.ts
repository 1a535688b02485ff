/** The page's elements and how results, progress and stats are drawn. */
import type { SearchHit } from 'minivectordb';
import type { HitMetadata } from './corpus.js';
import * as fmt from './format.js';

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`index.html has no #${id}`);
  return e as T;
}

export const ui = {
  corpusCount: el('corpus-count'),
  progress: el('progress'),
  progressTitle: el('progress-title'),
  progressPhase: el('progress-phase'),
  progressBar: el('progress').querySelector<HTMLElement>('.bar')!,
  progressFill: el('progress-fill'),
  progressCount: el('progress-count'),
  progressRate: el('progress-rate'),
  progressEta: el('progress-eta'),
  searchForm: el<HTMLFormElement>('search-form'),
  query: el<HTMLInputElement>('query'),
  section: el<HTMLSelectElement>('section'),
  mode: el<HTMLSelectElement>('mode'),
  searchMeta: el('search-meta'),
  results: el<HTMLOListElement>('results'),
  statItems: el('stat-items'),
  statModel: el('stat-model'),
  statDim: el('stat-dim'),
  statMemory: el('stat-memory'),
  statSnapshot: el('stat-snapshot'),
  statLoadLabel: el('stat-load-label'),
  statLoad: el('stat-load'),
  statNoteSave: el('stat-note-save'),
  noteForm: el<HTMLFormElement>('note-form'),
  note: el<HTMLTextAreaElement>('note'),
  noteAdd: el<HTMLButtonElement>('note-add'),
  noteStatus: el('note-status'),
  modelForm: el<HTMLFormElement>('model-form'),
  modelId: el<HTMLInputElement>('model-id'),
  modelHost: el<HTMLInputElement>('model-host'),
  modelSwitch: el<HTMLButtonElement>('model-switch'),
  modelDefault: el<HTMLButtonElement>('model-default'),
  modelStatus: el('model-status'),
};

/** Enables or disables every control (disabled while the index is being built). */
export function setControls(enabled: boolean): void {
  for (const c of [ui.query, ui.section, ui.mode, ui.note, ui.noteAdd, ui.modelId, ui.modelHost, ui.modelSwitch, ui.modelDefault]) c.disabled = !enabled;
}

export interface ProgressView {
  title: string;
  phase: string;
  /** Items fully indexed so far, of `total`. */
  done: number;
  total: number;
  /** Fraction of the work done, 0–1 (embedding and indexing both count). */
  fraction: number;
  /** Items per second, or NaN before the first batch. */
  rate: number;
}

export function showProgress(p: ProgressView): void {
  ui.progress.hidden = false;
  ui.progressTitle.textContent = p.title;
  ui.progressPhase.textContent = p.phase;
  const pct = Math.min(100, Math.max(0, p.fraction * 100));
  ui.progressFill.style.width = `${pct.toFixed(1)}%`;
  ui.progressBar.setAttribute('aria-valuenow', pct.toFixed(0));
  ui.progressCount.textContent = `${fmt.count(p.done)} / ${fmt.count(p.total)} items`;
  ui.progressRate.textContent = Number.isFinite(p.rate) && p.rate > 0 ? `${fmt.count(p.rate)} items/s` : '– items/s';
  ui.progressEta.textContent = `ETA ${p.rate > 0 ? fmt.eta((p.total - p.done) / p.rate) : '…'}`;
}

export function hideProgress(): void {
  ui.progress.hidden = true;
}

export function renderSections(sections: readonly [string, number][]): void {
  const current = ui.section.value;
  const options = [new Option('All sections', '')];
  for (const [name, n] of sections) options.push(new Option(`${name} (${fmt.count(n)})`, name));
  ui.section.replaceChildren(...options);
  ui.section.value = sections.some(([s]) => s === current) ? current : '';
}

/** The score as shown: the BM25 score in words mode, else cosine similarity, and for a hybrid hit its rank in each list. */
function scoreText(h: SearchHit): string {
  if (Number.isNaN(h.distance)) return `BM25 ${h.score.toFixed(2)}`;
  const similarity = (1 - h.distance).toFixed(3);
  if (h.ranks === undefined) return similarity;
  const from = [h.ranks.vector === undefined ? '' : `meaning #${h.ranks.vector}`, h.ranks.text === undefined ? '' : `words #${h.ranks.text}`];
  return [similarity, ...from.filter((s) => s !== '')].join(' · ');
}

function scoreTitle(h: SearchHit): string {
  if (Number.isNaN(h.distance)) return 'BM25 score of the words of the query';
  return h.ranks === undefined ? 'cosine similarity' : 'cosine similarity · rank in the meaning (vector) and words (BM25) lists, fused by reciprocal rank fusion';
}

export function renderHits(hits: readonly SearchHit[]): void {
  const items = hits.map((h) => {
    const m = h.metadata as unknown as HitMetadata;
    const li = document.createElement('li');
    li.className = h.id.startsWith('note:') ? 'hit note' : 'hit';
    li.dataset.id = h.id;
    const name = document.createElement('span');
    name.className = 'hit-name';
    name.textContent = m.name;
    const score = document.createElement('span');
    score.className = 'hit-score';
    score.textContent = scoreText(h);
    score.title = scoreTitle(h);
    const summary = document.createElement('div');
    summary.className = 'hit-summary';
    summary.textContent = m.summary;
    const section = document.createElement('div');
    section.className = 'hit-section';
    const tag = document.createElement('span');
    tag.textContent = m.section;
    section.append(tag);
    li.append(name, score, summary, section);
    return li;
  });
  ui.results.replaceChildren(...items);
}
