/**
 * Errors as HTTP answers: every error becomes `{ "error": CODE, "message" }`
 * with a status from its kind — a request the schema rejects 400, a body
 * over the limit 413, the library's typed errors by their `code` (a bad
 * argument or dimension 400, an unknown id 404, out of memory 507, a closed
 * database 503, a database held for writing elsewhere 423), anything else
 * 500 with a generic message (logged, never
 * sent: it may hold paths or internals).
 * @internal
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MiniVectorDBError, type ErrorCode } from '../errors.js';

/** HTTP status of each library error code. */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  DIMENSION_MISMATCH: 400,
  NOT_FOUND: 404,
  EMBEDDER_MISMATCH: 409,
  OUT_OF_MEMORY: 507,
  CLOSED: 503,
  TIMEOUT: 503,
  SNAPSHOT_CORRUPT: 500,
  SNAPSHOT_VERSION: 500,
  STORAGE: 500,
  INTERNAL: 500,
  LOCKED: 423,
};

/** The JSON body of an error answer. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** Fastify's error handler: see the module comment. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const send = (status: number, body: ErrorBody): FastifyReply => reply.status(status).type('application/json').send(body);
  const e = error as FastifyError;
  if (e.validation !== undefined) return send(400, { error: 'BAD_REQUEST', message: e.message });
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(413, { error: 'PAYLOAD_TOO_LARGE', message: e.message });
  if (error instanceof MiniVectorDBError) {
    const status = STATUS_OF_CODE[error.code] ?? 500;
    if (status < 500) return send(status, { error: error.code, message: error.message });
    request.log.error(error);
    return send(status, { error: error.code, message: status === 507 ? error.message : `${error.code.toLowerCase()} error (see the server log)` });
  }
  // Fastify's own client errors (malformed JSON, unsupported media type…) keep their 4xx status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return send(e.statusCode, { error: e.code ?? 'BAD_REQUEST', message: e.message });
  request.log.error(error);
  return send(500, { error: 'INTERNAL', message: 'internal error (see the server log)' });
}
