/**
 * JSON Schemas of the HTTP server's request bodies and parameters (checked
 * by Fastify's Ajv before a handler runs; unknown keys are rejected, never
 * stripped, and nothing is coerced). The schemas check shapes and sizes; the
 * database checks values (dimensions, finite numbers, metadata limits,
 * filter syntax) as for any caller.
 * @internal
 */
import { MAX_ID_LENGTH } from '../limits.js';

/** Largest `k` and `efSearch` a request may ask for (the core clamps k to the records anyway). */
export const MAX_K = 10_000;

const id = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH } as const;
const vector = { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 65_536 } as const;
const jsonObject = { type: 'object' } as const;

/** Request body schemas, by route, for a server accepting at most `maxItems` records or ids per request. */
export function schemas(maxItems: number) {
  const item = {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: { id, vector, text: { type: 'string' }, metadata: jsonObject },
    oneOf: [{ required: ['vector'] }, { required: ['text'] }],
  } as const;
  const items = {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: { items: { type: 'array', items: item, minItems: 1, maxItems } },
  } as const;
  return {
    items,
    idParams: { type: 'object', required: ['id'], properties: { id } },
    ids: { type: 'object', additionalProperties: false, required: ['ids'], properties: { ids: { type: 'array', items: id, maxItems } } },
    filter: { type: 'object', additionalProperties: false, required: ['filter'], properties: { filter: jsonObject } },
    search: {
      type: 'object',
      additionalProperties: false,
      required: ['query'],
      properties: {
        query: { oneOf: [vector, { type: 'string', minLength: 1 }] },
        k: { type: 'integer', minimum: 1, maximum: MAX_K },
        efSearch: { type: 'integer', minimum: 1, maximum: MAX_K },
        filter: jsonObject,
        exact: { type: 'boolean' },
        mode: { enum: ['vector', 'text', 'hybrid'] },
        textWeight: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  } as const;
}
