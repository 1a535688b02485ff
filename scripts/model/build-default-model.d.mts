// Types of build-default-model.mjs, for TypeScript callers (tests, scripts/build.mjs users).

/** Name of the model folder, `'wordnet-256'`. */
export const MODEL_NAME: string;
/** `<repo>/build/models/wordnet-256`. */
export const DEFAULT_OUT_DIR: string;
/** Files of the model folder, relative to it. */
export const MODEL_FILES: readonly string[];
/** Every parameter of the construction (recorded in config.json). */
export const MODEL_PARAMS: Readonly<Record<string, unknown>>;

export interface BuildDefaultModelOptions {
  /** @defaultValue DEFAULT_OUT_DIR */
  outDir?: string;
  /** @defaultValue '/usr/share/wordnet' */
  wordnetDir?: string;
  /** @defaultValue '/usr/share/dict/american-english' */
  wordList?: string;
  /** @defaultValue '/usr/share/doc/wordnet-base/copyright' */
  wordnetCopyright?: string;
  /** @defaultValue '/usr/share/doc/wamerican/copyright' */
  scowlCopyright?: string;
  /** Overrides of MODEL_PARAMS (experiments). */
  params?: Record<string, unknown>;
  /** Rebuild even when build-info.json says the folder is up to date. */
  force?: boolean;
  log?: (message: string) => void;
}

/** Builds the model folder (or does nothing when it is up to date). Sizes are in bytes. */
export function buildDefaultModel(options?: BuildDefaultModelOptions): Promise<{ outDir: string; skipped: boolean; files: Record<string, number> }>;
