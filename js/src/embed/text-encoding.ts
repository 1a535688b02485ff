/**
 * Text encoding: from strings to the int64 `[batch, seq]` arrays a
 * transformer reads. Builds the Hugging Face tokenizer from `tokenizer.json`
 * (with `@huggingface/tokenizers`, imported lazily), chooses the token limit,
 * tokenises with truncation (the model's special tokens always kept), orders
 * texts into batches and pads them. Knows nothing of onnxruntime: the session
 * (`ort-session.ts`) wraps the arrays into tensors.
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import { ModelLoadError } from './errors.js';

/**
 * The part of `@huggingface/tokenizers`' `Tokenizer` used here, declared
 * structurally instead of imported: this module's types reach the package's
 * public declarations (through the embedders' base class), and the library's
 * own declaration files do not resolve under `moduleResolution: node16`
 * (extensionless relative imports), so importing them would break type
 * checks of Node projects that use the package (tests/package/types.test.ts).
 * `loadTokenizer` returns the library's class, checked against this shape.
 */
export interface HfTokenizer {
  post_processor: { post_process(tokens: string[], ...rest: unknown[]): { tokens: string[]; token_type_ids?: number[] } } | null;
  encode(text: string, options: { add_special_tokens?: boolean; return_token_type_ids?: boolean | null }): { ids: number[]; token_type_ids?: number[] };
  tokenize(text: string, options?: { add_special_tokens?: boolean }): string[];
  token_to_id(token: string): number | undefined;
}

/** Upper bound for `maxLength` (tokens per text). */
export const MAX_SEQUENCE = 1 << 16;
/** `model_max_length` values at or above this are the "no limit" sentinel (1e30) of tokenizer configs. */
const NO_LIMIT = 1e9;

/** One tokenised text: token ids and, when the post-processor gives them, token type ids (same length). */
export interface EncodedText {
  ids: number[];
  typeIds: number[] | undefined;
}

/**
 * A padded batch: `size` texts, each `seq` tokens long (the longest text of
 * the batch, at least 1), row-major int64 arrays of `size * seq` elements.
 */
export interface PaddedBatch {
  size: number;
  seq: number;
  inputIds: BigInt64Array;
  /** 1 for a token of the text, 0 for padding. */
  attentionMask: BigInt64Array;
  /** Present when asked for (the model has a `token_type_ids` input); 0 on padding. */
  tokenTypeIds: BigInt64Array | undefined;
}

/** Tokenises one text into ids with truncation and the model's special tokens. */
export class TextEncoding {
  readonly padId: number;
  private readonly unkId: number;
  private readonly specials: number;
  /**
   * Special tokens the post-processor puts after a text's tokens, when it
   * wraps them in fixed ones (`[CLS] $A [SEP]`, `<s> $A </s>`: every
   * post-processor of the library does); undefined otherwise.
   */
  private readonly suffix: number | undefined;

  /** @throws InvalidArgumentError when `maxLength` leaves no room beside the special tokens. */
  constructor(
    private readonly tokenizer: HfTokenizer,
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    readonly maxLength: number,
  ) {
    const padding = tokenizerJson.padding as { pad_id?: number } | null | undefined;
    const padToken = tokenName(tokenizerConfig.pad_token);
    this.padId = padding?.pad_id ?? (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? 0;
    const model = tokenizerJson.model as { unk_token?: string } | undefined;
    const unk = tokenName(tokenizerConfig.unk_token) ?? model?.unk_token;
    this.unkId = (unk !== undefined ? tokenizer.token_to_id(unk) : undefined) ?? 0;
    this.specials = tokenizer.post_processor?.post_process([], null, true).tokens.length ?? 0;
    if (this.specials >= maxLength) {
      throw new InvalidArgumentError(`maxLength ${maxLength} leaves no room for text: the model adds ${this.specials} special tokens`);
    }
    this.suffix = suffixOf(tokenizer, this.specials);
  }

  /**
   * Token ids and token type ids of `text`, at most `maxLength` long (the
   * text is cut, the special tokens kept, as Hugging Face tokenizers truncate).
   * One call to the library's `encode()`, which maps tokens to ids as the
   * Hugging Face tokenizers do (added tokens first, also by their normalised
   * form); a text too long loses the tokens before the trailing special ones.
   */
  encode(text: string): EncodedText {
    if (this.suffix === undefined) return this.encodeByTokens(text);
    const e = this.tokenizer.encode(text, { add_special_tokens: true, return_token_type_ids: true });
    let ids = e.ids;
    let typeIds: number[] | undefined = e.token_type_ids;
    if (ids.length > this.maxLength) {
      ids = cutMiddle(ids, this.maxLength, this.suffix);
      if (typeIds !== undefined) typeIds = cutMiddle(typeIds, this.maxLength, this.suffix);
    }
    // A model without an unknown token leaves unmapped pieces undefined.
    for (let i = 0; i < ids.length; i++) if (ids[i] === undefined) ids[i] = this.unkId;
    return { ids, typeIds };
  }

  /** {@link TextEncoding.encode} for a post-processor of another shape: tokens cut before it runs, then mapped one by one. */
  private encodeByTokens(text: string): EncodedText {
    let tokens = this.tokenizer.tokenize(text, { add_special_tokens: false });
    const room = this.maxLength - this.specials;
    if (tokens.length > room) tokens = tokens.slice(0, room);
    let typeIds: number[] | undefined;
    const pp = this.tokenizer.post_processor;
    if (pp !== null) {
      const out = pp.post_process(tokens, null, true);
      tokens = out.tokens;
      typeIds = out.token_type_ids;
    }
    const ids = new Array<number>(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = this.tokenizer.token_to_id(tokens[i]!) ?? this.unkId;
    return { ids, typeIds };
  }

  /** {@link TextEncoding.encode} of every text, in order. */
  encodeAll(texts: readonly string[]): EncodedText[] {
    return texts.map((t) => this.encode(t));
  }

  /** `texts` padded with this tokenizer's pad id (see {@link padBatch}). */
  pad(texts: readonly EncodedText[], withTypeIds: boolean): PaddedBatch {
    return padBatch(texts, this.padId, withTypeIds);
  }
}

/**
 * Builds the tokenizer of a model folder.
 * @throws ModelLoadError when `@huggingface/tokenizers` rejects `tokenizer.json`.
 */
export async function loadTokenizer(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown>, source: string): Promise<HfTokenizer> {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  try {
    return new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (cause) {
    throw new ModelLoadError('tokenizer.json', source, `the tokenizer rejects it: ${String(cause)}`, { cause });
  }
}

/**
 * Tokens per text: the smaller of `requested` and the model's limit
 * (tokenizer_config.json `model_max_length`, config.json
 * `max_position_embeddings`, at most {@link MAX_SEQUENCE}; 512 when neither says).
 */
export function chooseMaxLength(requested: number | undefined, tokenizerConfig: Record<string, unknown>, modelConfig: Record<string, unknown>): number {
  const limits: number[] = [];
  const a = tokenizerConfig.model_max_length;
  if (typeof a === 'number' && a > 0 && a < NO_LIMIT) limits.push(Math.floor(a));
  const b = modelConfig.max_position_embeddings;
  if (typeof b === 'number' && b > 0 && b < NO_LIMIT) limits.push(Math.floor(b));
  const modelMax = limits.length > 0 ? Math.min(...limits, MAX_SEQUENCE) : 512;
  return requested !== undefined ? Math.min(requested, modelMax) : modelMax;
}

/**
 * The order in which to run `lengths.length` texts in batches of
 * `batchSize`: longest first, ties in input order, so each batch holds texts
 * of similar length and carries little padding. Input order when all fit in
 * one batch (padding is then the same either way).
 */
export function batchOrder(lengths: readonly number[], batchSize: number): number[] {
  const order = Array.from({ length: lengths.length }, (_, i) => i);
  if (lengths.length > batchSize) order.sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  return order;
}

/** Typed arrays are little-endian here (every platform onnxruntime-web runs on): an int64 is two int32 words, low first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Pads `texts` at the end to the longest one with `padId` (mask 0, type 0).
 * Written through int32 views of the int64 buffers when the platform is
 * little-endian (token ids are small and non-negative): converting every id
 * to a BigInt would cost more than the model run on a short text.
 */
export function padBatch(texts: readonly EncodedText[], padId: number, withTypeIds: boolean): PaddedBatch {
  const size = texts.length;
  let seq = 1;
  for (const e of texts) seq = Math.max(seq, e.ids.length);
  const inputIds = new BigInt64Array(size * seq);
  const attentionMask = new BigInt64Array(size * seq);
  const tokenTypeIds = withTypeIds ? new BigInt64Array(size * seq) : undefined;
  if (LITTLE_ENDIAN) {
    const ids32 = new Int32Array(inputIds.buffer);
    const mask32 = new Int32Array(attentionMask.buffer);
    const types32 = tokenTypeIds !== undefined ? new Int32Array(tokenTypeIds.buffer) : undefined;
    for (let b = 0; b < size; b++) {
      const e = texts[b]!;
      const o = b * seq;
      const n = e.ids.length;
      for (let i = 0; i < seq; i++) {
        const k = 2 * (o + i);
        if (i < n) {
          ids32[k] = e.ids[i]!;
          mask32[k] = 1;
          if (types32 !== undefined && e.typeIds !== undefined) types32[k] = e.typeIds[i] ?? 0;
        } else {
          ids32[k] = padId;
        }
      }
    }
  } else {
    inputIds.fill(BigInt(padId));
    for (let b = 0; b < size; b++) {
      const e = texts[b]!;
      const o = b * seq;
      for (let i = 0; i < e.ids.length; i++) {
        inputIds[o + i] = BigInt(e.ids[i]!);
        attentionMask[o + i] = 1n;
        if (tokenTypeIds !== undefined && e.typeIds !== undefined) tokenTypeIds[o + i] = BigInt(e.typeIds[i] ?? 0);
      }
    }
  }
  return { size, seq, inputIds, attentionMask, tokenTypeIds };
}

/**
 * How many special tokens the post-processor of `tokenizer` puts after a
 * text's tokens, found by running it on a one-token probe: 0 without a
 * post-processor; undefined unless its output is fixed tokens, the probe once,
 * fixed tokens (`specials` in all).
 */
function suffixOf(tokenizer: HfTokenizer, specials: number): number | undefined {
  const pp = tokenizer.post_processor;
  if (pp === null) return 0;
  const probe = '\u0000probe';
  const tokens = pp.post_process([probe], null, true).tokens;
  const at = tokens.indexOf(probe);
  if (at < 0 || tokens.lastIndexOf(probe) !== at || tokens.length !== specials + 1) return undefined;
  return tokens.length - at - 1;
}

/** The first `maxLength - suffix` values of `xs` and its last `suffix`. */
function cutMiddle(xs: readonly number[], maxLength: number, suffix: number): number[] {
  const out = xs.slice(0, maxLength - suffix);
  for (let i = xs.length - suffix; i < xs.length; i++) out.push(xs[i]!);
  return out;
}

function tokenName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/**
 * Checks the `texts` argument of an embedder's `embed()`.
 * @throws InvalidArgumentError unless it is an array of strings (naming the first that is not).
 */
export function checkTexts(texts: unknown): asserts texts is readonly string[] {
  if (!Array.isArray(texts)) throw new InvalidArgumentError(`texts must be an array of strings, got ${typeof texts}`);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') throw new InvalidArgumentError(`texts[${i}] must be a string, got ${typeof texts[i]}`);
  }
}
