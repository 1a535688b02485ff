/** Shared bits of the embedding tests: fixture paths, vector maths, temp folders, a local model server. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = join(ROOT, 'tests', 'fixtures', 'embed');
export const TINY_BERT = join(FIXTURES, 'tiny-bert');
export const DEFAULT_MODEL_DIR = join(ROOT, 'build', 'models', 'wordnet-256');

export interface TinyCase {
  text: string;
  ids: number[];
  mean: number[];
  cls: number[];
  meanRaw: number[];
}
export interface TinyReference {
  maxLength: number;
  dim: number;
  cases: TinyCase[];
  maxLength8: Array<{ text: string; ids: number[]; mean: number[] }>;
}
export const tinyReference = (): TinyReference => JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert-reference.json'), 'utf8'));

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** Largest absolute difference. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `mvdb-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every file under `dir` (relative paths, sorted); [] when it does not exist. */
export function listFiles(dir: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names.sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, `${prefix}${n}/`));
    else out.push(`${prefix}${n}`);
  }
  return out;
}

/**
 * How the server answers one file of one model:
 * - `serve`: the file (Content-Length set)
 * - `missing`: 404
 * - `cut`: headers promise the whole file, half is sent, then the socket is destroyed
 * - `short`: only the first half, with a Content-Length that matches it (a truncated file served honestly)
 * - `redirect`: 302 to /cdn/…, which serves the file (as the Hugging Face hub does for large files)
 * - `chunked`: the file in pieces, without Content-Length
 * - `error`: 500
 */
export type Behaviour = 'serve' | 'missing' | 'cut' | 'short' | 'redirect' | 'chunked' | 'error';

export interface ModelServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A Hugging Face-like file server on 127.0.0.1: GET /<org>/<name>/resolve/<rev>/<file>
 * serves `<folder>/<file>` of the model `<org>/<name>` registered in `models`.
 * `behave` picks the answer per (model, file); `alias` maps a requested file to another file of the folder.
 */
export async function startModelServer(
  models: Record<string, string>,
  behave: (model: string, file: string) => Behaviour = () => 'serve',
  alias: (model: string, file: string) => string = (_m, f) => f,
): Promise<ModelServer> {
  const requests: string[] = [];
  const send = (res: ServerResponse, body: Buffer, how: Behaviour): void => {
    if (how === 'cut') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    if (how === 'short') {
      const half = body.subarray(0, Math.floor(body.length / 2));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(half.length) });
      res.end(half);
      return;
    }
    if (how === 'chunked') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const step = Math.max(1, Math.ceil(body.length / 4));
      for (let o = 0; o < body.length; o += step) res.write(body.subarray(o, o + step));
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    res.setHeader('access-control-allow-origin', '*'); // as the hub does, so pages on other origins can fetch
    const cdn = path.startsWith('/cdn/');
    const m = /^\/(?:cdn\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const folder = m ? models[m[1]!] : undefined;
    if (!m || folder === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found');
      return;
    }
    const [, model, , file] = m as unknown as [string, string, string, string];
    const how = cdn ? 'serve' : behave(model, file);
    if (how === 'missing') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
    if (how === 'error') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
    if (how === 'redirect') return void res.writeHead(302, { location: `/cdn${path}` }).end();
    let body: Buffer;
    try {
      body = readFileSync(join(folder, ...alias(model, file).split('/')));
    } catch {
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
    }
    send(res, body, how);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
