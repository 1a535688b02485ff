/**
 * What the demo remembers beside the database snapshot (localStorage): which
 * model the index was built with, the section facet, and the user's own
 * notes (kept so a model switch can re-embed them). Written only after the
 * snapshot is saved, so a saved state always has its snapshot.
 */
import type { ModelChoice } from './model.js';

export interface Note {
  id: string;
  text: string;
}

export interface SavedState {
  /** 2 since the snapshot keeps texts and a BM25 index (hybrid search); the snapshot of a version-1 state is rebuilt (its model and notes kept). */
  version: 1 | 2;
  /** The snapshot's storage URL. */
  url: string;
  model: ModelChoice;
  /** Corpus packages in the index. */
  packages: number;
  /** Sections with their package counts, largest first. */
  sections: [string, number][];
  notes: Note[];
  /** How the index was built: milliseconds and items per second. */
  build: { ms: number; rate: number };
}

const KEY = 'minivectordb-demo';

export function loadState(): SavedState | undefined {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as SavedState | null;
    return s?.version === 1 || s?.version === 2 ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveState(state: SavedState): void {
  localStorage.setItem(KEY, JSON.stringify(state));
}

export function clearState(): void {
  localStorage.removeItem(KEY);
}
