/**
 * The corpus: Debian's package descriptions, extracted at build time by
 * `scripts/demo/extract-packages.mjs` into `packages.json` (served beside the
 * page), and how a package becomes a text to embed.
 */
import type { InsertItem, TextIndexOptions } from 'minivectordb';

/** One package: name, section (archive area prefix dropped), one-line summary, long description ('' when the apt lists carry none). */
export type PackageRow = [name: string, section: string, summary: string, details: string];

export interface Corpus {
  source: string;
  generated: string;
  count: number;
  rows: PackageRow[];
}

/** What every hit carries, so results render without a second lookup. */
export interface HitMetadata {
  name: string;
  section: string;
  summary: string;
}

/**
 * The text embedded for a package: its summary, then the words of its name
 * (`img2pdf` → `img pdf`, `python3-requests` → `python requests`), then the
 * long description when there is one. Name words help the many packages
 * whose summary does not repeat what the name says.
 */
export function packageText([name, , summary, details]: PackageRow): string {
  const words = name.split(/[^a-z]+/i).filter((w) => w.length > 1).join(' ');
  return [`${summary}.`, words, details].filter((s) => s !== '').join(' ');
}

/**
 * The demo's BM25 text index: the package name counts this many times as
 * much as the embedded text (so `img2pdf` or `numpy` finds its package), with
 * the usual k1 and b. Measured with `npm run bench -- --quality-only`.
 */
export const TEXT_INDEX = { fields: { name: 3 } } satisfies TextIndexOptions;

/**
 * Weight of the BM25 list in the demo's hybrid search (`textWeight`; the
 * library's default is 0.5). With wordnet-256 (averaged word vectors) BM25 is
 * the stronger list on both labelled sets, so the fusion leans on it: 0.8
 * beats 0.5 on intents and exact terms (README, "Hybrid search").
 */
export const TEXT_WEIGHT = 0.8;

export function packageItem(row: PackageRow): InsertItem {
  const [name, section, summary] = row;
  const metadata: HitMetadata = { name, section, summary };
  return { id: `pkg:${name}`, text: packageText(row), metadata: { ...metadata } };
}

/** Fetches packages.json, reporting bytes received. */
export async function fetchCorpus(onProgress: (loaded: number, total: number | undefined) => void): Promise<Corpus> {
  const res = await fetch(new URL('packages.json', document.baseURI));
  if (!res.ok || res.body === null) throw new Error(`packages.json: HTTP ${res.status} (build the demo with npm start)`);
  const total = Number(res.headers.get('content-length')) || undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  const text = await new Blob(chunks as BlobPart[]).text();
  return JSON.parse(text) as Corpus;
}

/** Sections and their package counts, largest first. */
export function sectionCounts(rows: readonly PackageRow[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const [, section] of rows) counts.set(section, (counts.get(section) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
