/**
 * What the page reports about itself on `window.__demo`: the state of the
 * index, how it got there, counters (texts embedded by this page, progress
 * updates) and the last search. The Chromium tests (tests/demo) read it.
 */
export interface DemoStatus {
  state: 'loading' | 'building' | 'ready' | 'error';
  source?: 'built' | 'restored';
  /** Texts this page sent to be embedded (corpus and notes; queries not counted). */
  embedded: number;
  progressShown: boolean;
  progressUpdates: number;
  progress?: { done: number; total: number; fraction: number; rate: number };
  restoreMs?: number;
  buildMs?: number;
  model: string;
  dim?: number;
  count?: number;
  snapshotBytes?: number;
  /** Time to make the last added note durable (`flush()` of its log record), in ms. */
  noteSaveMs?: number;
  searches: number;
  lastSearch?: {
    query: string;
    section: string;
    /** The mode picked in the page's mode select. */
    mode: 'vector' | 'text' | 'hybrid';
    ms: number;
    hits: { id: string; name: string; section: string; score: number; ranks?: { vector?: number; text?: number } }[];
  };
  error?: string;
}
