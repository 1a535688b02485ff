/**
 * Images on the database's paths: the image tower for inserted items
 * (`items[i].image`) and for queries (`search(image)`), through the
 * database's embedder (`text.ts`: `embedImages`).
 * @internal
 */
import { ImageDecodeError, ImagesUnsupportedError } from '../embed/errors.js';
import { imageOfQuery, type ImageInput } from '../embed/image/input.js';
import { InvalidArgumentError } from '../errors.js';
import type { DbState } from './state.js';

/**
 * The vectors of `images` (those of `items[indexes[j]]`), in one embedder
 * call (batched, with progress); a decode error names the item.
 */
export async function embedItemImages(
  db: DbState,
  images: readonly (ImageInput | undefined)[],
  indexes: readonly number[],
  onProgress: ((done: number, total: number) => void) | undefined,
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  if (db.text === undefined) throw new ImagesUnsupportedError(undefined);
  try {
    return await db.text.embedImages(images as ImageInput[], onProgress, signal);
  } catch (e) {
    if (!(e instanceof ImageDecodeError)) throw e;
    // the embedder names its own argument (`images[j]`); the caller knows it as `items[i].image`
    const message = e.message.replace(/^images\[(\d+)\]/, (_, j: string) => `items[${indexes[Number(j)]}].image`);
    throw new ImageDecodeError(e.reason, message, { cause: e.cause });
  }
}

/** The vector of an image query. */
export async function embedQueryImage(db: DbState, image: ImageInput, signal?: AbortSignal): Promise<Float32Array> {
  if (db.text === undefined) throw new ImagesUnsupportedError(undefined);
  try {
    return (await db.text.embedImages([image], undefined, signal))[0]!;
  } catch (e) {
    if (!(e instanceof ImageDecodeError)) throw e;
    throw new ImageDecodeError(e.reason, e.message.replace(/^images\[0\]/, 'query image'), { cause: e.cause });
  }
}

/** The vectors of a batch of image queries (all must be images). */
export async function embedQueryImages(db: DbState, queries: readonly unknown[], signal?: AbortSignal): Promise<Float32Array[]> {
  const images = queries.map((q, i) => {
    const image = imageOfQuery(q);
    if (image === undefined) throw new InvalidArgumentError(`queries must be all images, all texts or all vectors (queries[${i}] is not an image)`);
    return image;
  });
  if (db.text === undefined) throw new ImagesUnsupportedError(undefined);
  try {
    return await db.text.embedImages(images, undefined, signal);
  } catch (e) {
    if (!(e instanceof ImageDecodeError)) throw e;
    throw new ImageDecodeError(e.reason, e.message.replace(/^images\[/, 'queries['), { cause: e.cause });
  }
}
