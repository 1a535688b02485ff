// Screenshot check shared by the Chromium tests: decodes a PNG with the
// browser's own decoder. Self-contained (no imports, no outer names), so it
// also runs through page.evaluate(imageStats, base64).

/**
 * Decodes a PNG (base64) in the page.
 * @param {string} base64 - the PNG file.
 * @returns {Promise<{ width: number, height: number, colours: number, nonBackground: number }>}
 *   size in pixels, distinct RGB colours, share of pixels (0–1) unlike the top-left one.
 */
export async function imageStats(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const colours = new Set();
  let differing = 0;
  for (let i = 0; i < px.length; i += 4) {
    const rgb = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
    colours.add(rgb);
    if (rgb !== ((px[0] << 16) | (px[1] << 8) | px[2])) differing++;
  }
  return { width: bitmap.width, height: bitmap.height, colours: colours.size, nonBackground: differing / (px.length / 4) };
}
