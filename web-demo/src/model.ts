/**
 * The text model choice: the package's built-in `wordnet-256` (no download),
 * or a Hugging Face model by id fetched from a host (default huggingface.co).
 */
import type { CreateOptions, OpenOptions } from 'minivectordb';

export interface ModelChoice {
  /** Hugging Face model id, or undefined for the built-in wordnet-256. */
  id?: string;
  /** Host serving `${host}/${id}/resolve/main/…`. */
  host?: string;
}

export const DEFAULT_HOST = 'https://huggingface.co';

export function modelName(m: ModelChoice): string {
  return m.id ?? 'wordnet-256';
}

/** The snapshot URL of an index built with this model (one per model). */
export function snapshotUrl(m: ModelChoice): string {
  return `idb://debian-packages${m.id === undefined ? '' : `--${m.id.replace(/[^\w.-]+/g, '_')}`}`;
}

/** The embedder option for create() / open(): nothing for the default model. */
export function embedderOption(m: ModelChoice): Pick<CreateOptions & OpenOptions, 'embedder'> {
  return m.id === undefined ? {} : { embedder: { model: m.id, remoteHost: m.host ?? DEFAULT_HOST } };
}
