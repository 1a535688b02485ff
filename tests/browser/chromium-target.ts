/**
 * A target of the shared suites (tests/js/suites) whose databases live in
 * Chromium: `page` — `MiniVectorDB.create` / `open` on the page of
 * storage-app (for `opfs://`, checkpoints through createWritable); `worker`
 * — `createInWorker` / `openInWorker` from that page, the database in the
 * packaged module worker (for `opfs://`, FileSystemSyncAccessHandle). Each
 * call crosses as tagged JSON (storage-app/ops.js: typed arrays, −0, NaN
 * kept) and typed errors come back as instances of the catalogue's classes,
 * so the suites' assertions run unchanged.
 */
import { join } from 'node:path';
import { ERROR_KINDS } from '../../dist/errors.js';
import type { Database, Host, Target } from '../js/suites/targets.js';
import { launch, removeBuild, root, serve, viteBuild, type Browser } from './harness.js';

type Page = Browser['page'];
type State = { size: number; dim: number; metric: string; stats: Record<string, unknown> } | undefined;
type Wire = { handle?: number; value?: unknown; state?: State; error?: { name: string; code: string; message: string; fields: Record<string, unknown> } };

const tag = (_: string, v: unknown): unknown => {
  if (v instanceof Float32Array) return { $f32: Array.from(v) };
  if (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))) return { $n: Object.is(v, -0) ? '-0' : String(v) };
  return v;
};
const untag = (_: string, v: unknown): unknown => {
  if (v !== null && typeof v === 'object' && '$f32' in v) return Float32Array.from((v as { $f32: number[] }).$f32);
  if (v !== null && typeof v === 'object' && '$n' in v) return (v as { $n: string }).$n === '-0' ? -0 : Number((v as { $n: string }).$n);
  return v;
};

/** The error of the catalogue the page threw (same class, code, message and fields). */
function rebuild(e: NonNullable<Wire['error']>): Error {
  const cls = (ERROR_KINDS as Record<string, { prototype: object }>)[e.name];
  if (cls === undefined) return new Error(`${e.name}: ${e.message}`);
  const err = Object.create(cls.prototype) as Error;
  Object.assign(err, e.fields, { message: e.message, code: e.code, name: e.name });
  return err;
}

/** A database in the page, with the synchronous getters of the last answer. */
function remoteDb(page: Page, handle: number, first: State): Database {
  let state = first;
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    const wire = JSON.parse(
      (await page.evaluate(`window.page('remoteCall', ${handle}, ${JSON.stringify(method)}, ${JSON.stringify(JSON.stringify(args, tag))})`).then((r) => {
        const reply = r as { ok: boolean; value: string; message?: string };
        if (!reply.ok) throw new Error(`bridge failed: ${reply.message}`);
        return reply.value;
      })) as string,
      untag,
    ) as Wire;
    if (wire.state !== undefined) state = wire.state;
    if (wire.error !== undefined) throw rebuild(wire.error);
    return wire.value ?? undefined;
  };
  const live = (): NonNullable<State> => {
    if (state === undefined) throw new Error('remote database closed');
    return state;
  };
  return new Proxy({} as Database, {
    get(_, key) {
      if (key === 'then') return undefined; // not a thenable
      if (key === 'size' || key === 'dim' || key === 'metric') return live()[key];
      if (key === 'stats') return () => live().stats;
      return (...args: unknown[]) => call(String(key), args);
    },
  });
}

/** A Chromium target of `backend` (e.g. `opfs`); its browser starts in setup() and stops in cleanup(). */
export function makeChromiumTarget(host: Host, backend: 'opfs' | 'idb'): Target {
  let site: string | undefined;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
  const page = (): Page => {
    if (browser === undefined) throw new Error('target used before setup()');
    return browser.page;
  };
  const evaluate = async <T>(op: string, ...args: unknown[]): Promise<T> => {
    const r = (await page().evaluate(`window.page(${JSON.stringify(op)}, ...${JSON.stringify(args)})`)) as { ok: boolean; value: T; name?: string; message?: string };
    if (!r.ok) throw new Error(`${op} failed in the page: ${r.name} ${r.message}`);
    return r.value;
  };
  const make = async (kind: string, args: unknown[]): Promise<Database> => {
    const wire = JSON.parse(await evaluate<string>('remoteDb', kind, JSON.stringify(args, tag)), untag) as Wire;
    if (wire.error !== undefined) throw rebuild(wire.error);
    return remoteDb(page(), wire.handle!, wire.state);
  };
  return {
    name: `Chromium ${host} × ${backend}`,
    host,
    backend: backend,
    async setup() {
      site = await viteBuild(join(root, 'tests', 'browser', 'storage-app'), {
        'minivectordb-storage': join(root, 'dist', 'storage', 'index.js'),
        'minivectordb/worker': join(root, 'dist', 'worker', 'index.js'),
        minivectordb: join(root, 'dist', 'index.js'),
      });
      server = await serve(site);
      browser = await launch(server.origin);
      await browser.page.goto(`${server.origin}/`);
      await browser.page.waitForFunction('window.specsReady === true');
    },
    async cleanup() {
      await browser?.close();
      await server?.close();
      if (site !== undefined) await removeBuild(site);
    },
    create: (options) => make(host === 'page' ? 'create' : 'createInWorker', [options]),
    open: (url, options = {}) => make(host === 'page' ? 'open' : 'openInWorker', [url, options]),
    url: (name) => `${backend}://${host}-${name}`,
    readRaw: async (url) => Uint8Array.from(await evaluate<number[]>('rawRead', url)),
    writeRaw: (url, bytes) => evaluate<void>('rawWrite', url, Array.from(bytes)),
  };
}
