/**
 * Images sent to a worker database: an `<img>` element or a canvas cannot
 * be structured-cloned (postMessage would throw a bare DataCloneError), so
 * the page names the item and the way out before anything is posted. Every
 * other image input (Blob, File, ImageBitmap, ImageData, bytes, pixels)
 * clones as is.
 */
import { InvalidArgumentError } from '../errors.js';
import { imageOfQuery, isInstance } from '../embed/image/input.js';

const NOT_CLONEABLE = ['HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas'];

/** @throws InvalidArgumentError when `image` is an `<img>` or a canvas. */
export function checkSendableImage(image: unknown, what: string): void {
  const kind = NOT_CLONEABLE.find((c) => isInstance(image, c));
  if (kind !== undefined) {
    throw new InvalidArgumentError(`${what} is an ${kind}, which cannot be sent to a worker: pass await createImageBitmap(it) (or the image's Blob) instead`);
  }
}

/** Checks the image of a query (bare or `{ image }`). */
export function checkSendableQuery(query: unknown, what: string): void {
  const image = imageOfQuery(query);
  if (image !== undefined) checkSendableImage(image, what);
}
