/** Images for the image tests: Debian files on every machine of the project (scripts/setup.sh), and generated ones with known pixels. */
import type { RefImage } from './clip-reference.js';

export const DEBIAN_PNG = '/usr/share/pixmaps/debian-logo.png'; // 48×48 RGBA (package desktop-base / debian-logo)
export const DEBIAN_JPEG = '/usr/share/doc/nodejs/full-white-stripe.jpg'; // 493×312 progressive JPEG (package nodejs-doc)

/** A reproducible RGB image with structure (gradients, a disc, noise). */
export function makeImage(width: number, height: number, seed: number): RefImage {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - width / 2) ** 2 + (y - height / 3) ** 2 < (Math.min(width, height) / 4) ** 2;
      const i = (y * width + x) * 3;
      rgb[i] = inDisc ? 250 : Math.floor((255 * x) / width);
      rgb[i + 1] = Math.floor((255 * y) / height);
      rgb[i + 2] = rnd();
    }
  }
  return { width, height, rgb };
}

