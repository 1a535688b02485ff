/**
 * The demo's "images" entry point (images.html): photo search with a CLIP
 * model from the Hugging Face hub, in a worker database. Needs a network the
 * first time (the model is then cached); says so when the download fails.
 */
import { ModelLoadError, type SearchHit } from 'minivectordb';
import { createDb, type DemoDb } from './db.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const urls = new Map<string, string>(); // id → object URL of the photo, for thumbnails
let db: DemoDb | undefined;
let count = 0;

/** State the tests read. */
const state = { loaded: false, error: '', photos: 0, hits: [] as string[] };
(window as unknown as { __images: typeof state }).__images = state;

function show(hits: SearchHit[]): void {
  state.hits = hits.map((h) => h.id);
  $('results').replaceChildren(
    ...hits.map((h) => {
      const fig = document.createElement('figure');
      const img = document.createElement('img');
      img.src = urls.get(h.id) ?? '';
      img.alt = h.id;
      img.width = 160;
      img.title = 'more like this one';
      img.addEventListener('click', () => void byImage(h.id));
      const cap = document.createElement('figcaption');
      cap.textContent = `${h.id} · ${h.score.toFixed(3)}`;
      fig.append(img, cap);
      return fig;
    }),
  );
}

async function load(): Promise<void> {
  const model = $<HTMLInputElement>('model').value.trim();
  const remoteHost = $<HTMLInputElement>('host').value.trim().replace(/\/+$/, '') || 'https://huggingface.co';
  $('model-status').textContent = `Loading ${model} (downloaded once, then cached)…`;
  try {
    await db?.close();
    db = await createDb({
      embedder: {
        kind: 'clip',
        model,
        remoteHost, // download progress cannot cross to the worker (a function): the status line says what is going on
      },
    });
    state.loaded = true;
    $('model-status').textContent = `${model} ready (${db.dim}-d).`;
    $('photos-card').hidden = false;
  } catch (e) {
    state.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const offline = e instanceof ModelLoadError && /network error/i.test(e.message);
    $('model-status').textContent = offline
      ? `The model could not be downloaded (${e.message}). Photo search needs a network connection the first time, to fetch the CLIP model from huggingface.co; afterwards it works offline from the browser's cache.`
      : `The model could not be loaded: ${state.error}`;
  }
}

async function add(files: FileList): Promise<void> {
  if (db === undefined || files.length === 0) return;
  const items = [...files].map((file) => {
    const id = `${++count}. ${file.name}`;
    urls.set(id, URL.createObjectURL(file));
    return { id, image: file };
  });
  await db.insertMany(items, { onProgress: (done, total, phase) => ($('add-status').textContent = `${phase} ${done}/${total}`) });
  state.photos = db.size;
  $('add-status').textContent = `${db.size} photos`;
}

async function byText(text: string): Promise<void> {
  if (db === undefined || text.trim() === '') return;
  const t = performance.now();
  show(await db.search(text, { k: 12 }));
  $('search-status').textContent = `${(performance.now() - t).toFixed(0)} ms`;
}

async function byImage(id: string): Promise<void> {
  const url = urls.get(id);
  if (db === undefined || url === undefined) return;
  show(await db.search({ image: await (await fetch(url)).blob() }, { k: 12 }));
}

$('load').addEventListener('click', () => void load());
$<HTMLInputElement>('files').addEventListener('change', (e) => void add((e.target as HTMLInputElement).files!));
let timer: ReturnType<typeof setTimeout> | undefined;
$<HTMLInputElement>('query').addEventListener('input', (e) => {
  clearTimeout(timer);
  timer = setTimeout(() => void byText((e.target as HTMLInputElement).value), 200);
});
