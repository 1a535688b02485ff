// Specs of images in Chromium: the tiny random CLIP served beside the page
// (`${base}tiny-clip/`, copied there by tests/browser/images.test.ts), images
// fetched from the same server. Each spec returns plain data that the Node
// side compares with Node's decoding, preprocessing and vectors.
import { ClipEmbedder, ImageDecodeError, ImagesUnsupportedError, InvalidArgumentError, MiniVectorDB } from 'minivectordb';

const modelUrl = (base) => new URL('tiny-clip/', base).href;
const blobOf = async (base, name) => (await fetch(new URL(`img/${name}`, base))).blob();

/** The forms a page has an image in, all from one file: Blob, File, ImageBitmap, <img>, ImageData, OffscreenCanvas. */
async function forms(base, name, withElement) {
  const blob = await blobOf(base, name);
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'default' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const out = {
    blob,
    file: new File([blob], name, { type: blob.type }),
    bitmap,
    imageData: ctx.getImageData(0, 0, bitmap.width, bitmap.height),
    canvas,
    bytes: new Uint8Array(await blob.arrayBuffer()),
  };
  if (withElement) {
    const img = new Image();
    img.src = URL.createObjectURL(blob);
    await img.decode();
    out.element = img;
  }
  return out;
}

export const imageSpecs = {
  /** pixel_values and image_embeds of each file (as a Blob), and text_embeds of `texts`, from the page's own decoder. */
  async clipVectors(base, names, texts) {
    const clip = await ClipEmbedder.create({ modelUrl: modelUrl(base) });
    const out = { dim: clip.dim, digest: clip.info.digest, pixels: [], images: [], texts: [] };
    for (const name of names) out.pixels.push(Array.from(await clip.pixelValues(await blobOf(base, name))));
    out.images = (await clip.embedImages(await Promise.all(names.map((n) => blobOf(base, n))))).map((v) => Array.from(v));
    out.texts = (await clip.embed(texts)).map((v) => Array.from(v));
    // every page form of one opaque image gives the same vector
    const f = await forms(base, names[0], true);
    const vs = await clip.embedImages([f.blob, f.file, f.bitmap, f.element, f.imageData, f.canvas, f.bytes]);
    out.formsAgree = vs.map((v) => Math.max(...v.map((x, i) => Math.abs(x - vs[0][i]))));
    try {
      await clip.embedImages([new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' })]);
      out.badImage = 'no error';
    } catch (e) {
      out.badImage = e instanceof ImageDecodeError ? `ImageDecodeError ${e.reason}` : String(e);
    }
    await clip.dispose();
    return out;
  },

  /** An image database on the page or in a worker: insert every form, search by text and by image; vectors for the Node side's brute force. */
  async imageDb(base, names, inWorker) {
    const options = { embedder: { kind: 'clip', modelUrl: modelUrl(base) } };
    const db = inWorker ? await MiniVectorDB.createInWorker(options) : await MiniVectorDB.create(options);
    const items = [];
    for (const [i, name] of names.entries()) {
      const f = await forms(base, name, !inWorker);
      // a different form per file; in a worker the forms that can be cloned (an <img> and a canvas cannot cross)
      const pick = inWorker ? [f.blob, f.bitmap, f.imageData, f.bytes] : [f.blob, f.bitmap, f.element, f.imageData, f.canvas, f.file];
      items.push({ id: name, image: pick[i % pick.length], metadata: { n: i } });
    }
    const progress = [];
    await db.insertMany(items, { onProgress: (d, t, p) => progress.push(`${p} ${d}/${t}`) });
    const out = { size: db.size, progress, vectors: {}, text: [], image: [] };
    for (const name of names) out.vectors[name] = Array.from((await db.get(name)).vector);
    out.text = (await db.search('a photo of a cat', { k: names.length, exact: true })).map((h) => ({ id: h.id, score: h.score }));
    out.image = (await db.search({ image: await blobOf(base, names[1]) }, { k: names.length, exact: true })).map((h) => ({ id: h.id, score: h.score }));
    try {
      await db.insert({ id: 'bad', image: new Blob([new Uint8Array([9, 9, 9])]) });
      out.bad = 'no error';
    } catch (e) {
      out.bad = e instanceof ImageDecodeError ? `ImageDecodeError ${e.reason} ${e.message.slice(0, 14)}` : String(e);
    }
    if (inWorker) {
      const img = new Image();
      img.src = URL.createObjectURL(await blobOf(base, names[0]));
      await img.decode();
      try {
        await db.insert({ id: 'img', image: img });
        out.element = 'no error';
      } catch (e) {
        out.element = e instanceof InvalidArgumentError ? e.message : String(e);
      }
    }
    await db.close();
    const text = await MiniVectorDB.create();
    try {
      await text.search({ image: await blobOf(base, names[0]) });
      out.textOnly = 'no error';
    } catch (e) {
      out.textOnly = e instanceof ImagesUnsupportedError ? 'ImagesUnsupportedError' : String(e);
    }
    await text.close();
    return out;
  },
};
