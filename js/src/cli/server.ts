/**
 * The HTTP server of `minivectordb serve`, on Fastify: one database, JSON
 * routes with schema-checked bodies (`server-schemas.ts`), errors as JSON
 * with 4xx statuses for the client's mistakes (`http-errors.ts`).
 *
 * | route | body | answer |
 * |---|---|---|
 * | `POST /records` | `{ items: [{ id, vector \| text, metadata? }] }` | insert: 201 `{ inserted }`; 409 if an id exists (nothing inserted) |
 * | `PUT /records` | the same | upsert: `{ inserted, updated }` |
 * | `GET /records/:id` | | `{ id, vector, metadata, text? }`, 404 if absent |
 * | `DELETE /records/:id` | | `{ deleted: true }`, 404 if absent |
 * | `POST /records/delete` | `{ ids }` | `{ deleted }` (unknown ids ignored) |
 * | `POST /records/delete-by-filter` | `{ filter }` | `{ deleted }` |
 * | `POST /search` | `{ query: vector \| text, k?, filter?, efSearch?, exact?, mode?, textWeight? }` | `{ hits }` |
 * | `GET /stats` | | `db.stats()` |
 * | `POST /save` | | saves to the snapshot the server opened: `{ saved: true }` |
 *
 * Writes that check and then change (insert) run one at a time. The server
 * saves only to the snapshot it was started on: no request names a path.
 * @internal
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { VectorDatabase } from '../vector-database.js';
import type { InsertItem, SearchOptions, Filter } from '../types.js';
import { handleError } from './http-errors.js';
import { schemas } from './server-schemas.js';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Largest request body in bytes (Fastify's `bodyLimit`): larger ones get 413. */
  bodyLimit: number;
  /** Most records (or ids) in one request. */
  maxItems: number;
  /** Fastify's logger (pino) on stderr. */
  log: boolean;
}

/** A Fastify app serving `db` (not listening yet). */
export function createServer(db: VectorDatabase, options: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: options.log ? { level: 'info', stream: process.stderr } : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }));
  const s = schemas(options.maxItems);
  let writes: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = writes.then(fn);
    writes = run.catch(() => undefined);
    return run;
  };

  app.post<{ Body: { items: InsertItem[] } }>('/records', { schema: { body: s.items } }, async (request, reply) => {
    const { items } = request.body;
    return oneAtATime(async () => {
      const existing = (await db.getMany(items.map((it) => it.id), { vectors: false })).filter((r) => r !== undefined);
      if (existing.length > 0) {
        return reply.status(409).send({ error: 'CONFLICT', message: `${existing.length} id(s) already exist (first: ${JSON.stringify(existing[0]!.id)}); PUT /records replaces` });
      }
      const { inserted } = await db.insertMany(items);
      return reply.status(201).send({ inserted });
    });
  });
  app.put<{ Body: { items: InsertItem[] } }>('/records', { schema: { body: s.items } }, (request) => oneAtATime(() => db.insertMany(request.body.items)));
  app.get<{ Params: { id: string } }>('/records/:id', { schema: { params: s.idParams } }, async (request, reply) => {
    const record = await db.get(request.params.id);
    if (record === undefined) return reply.status(404).send({ error: 'NOT_FOUND', message: `no record ${JSON.stringify(request.params.id)}` });
    return { ...record, vector: Array.from(record.vector) };
  });
  app.delete<{ Params: { id: string } }>('/records/:id', { schema: { params: s.idParams } }, async (request, reply) => {
    const deleted = await oneAtATime(() => db.delete(request.params.id));
    if (!deleted) return reply.status(404).send({ error: 'NOT_FOUND', message: `no record ${JSON.stringify(request.params.id)}` });
    return { deleted };
  });
  app.post<{ Body: { ids: string[] } }>('/records/delete', { schema: { body: s.ids } }, async (request) => ({ deleted: await oneAtATime(() => db.deleteMany(request.body.ids)) }));
  app.post<{ Body: { filter: Filter } }>('/records/delete-by-filter', { schema: { body: s.filter } }, async (request) => ({
    deleted: await oneAtATime(() => db.deleteByFilter(request.body.filter)),
  }));
  app.post<{ Body: SearchOptions & { query: number[] | string } }>('/search', { schema: { body: s.search } }, async (request) => {
    const { query, ...searchOptions } = request.body;
    return { hits: await db.search(query, searchOptions) };
  });
  app.get('/stats', async () => db.stats());
  app.post('/save', async () => {
    await oneAtATime(() => db.save());
    return { saved: true };
  });
  return app;
}
