/**
 * LlamaIndex metadata filters → a MiniVectorDB {@link Filter}.
 * @internal
 */
import type { MetadataFilter, MetadataFilters } from '@llamaindex/core/vector-store';
import { describe } from '../../check.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Filter, FilterValue } from '../../types.js';

/**
 * Maps LlamaIndex `MetadataFilters` to a MiniVectorDB filter, operator by
 * operator: `==` `$eq`, `!=` `$ne`, `>` `$gt`, `>=` `$gte`, `<` `$lt`,
 * `<=` `$lte`, `in` `$in`, `nin` `$nin`, `any` (an array field holds one of
 * the values) `$in`, `all` (it holds every value) one `$eq` per value under
 * `$and`, `contains` (it holds the value) `$eq`; `condition: 'and'` (the
 * default) `$and`, `'or'` `$or`. The semantics of missing fields are ours
 * (see `FilterOperators`): `!=` and `nin` match a record without the key.
 * Keys are metadata paths (`'a.b'` walks nested objects).
 * @returns `undefined` for no filters (every record matches).
 * @throws InvalidArgumentError on `text_match`, `is_empty`, an unknown operator or a value of the wrong type.
 */
export function toFilter(filters: MetadataFilters | undefined): Filter | undefined {
  if (filters === undefined || filters.filters.length === 0) return undefined;
  const condition = filters.condition ?? 'and';
  if (condition !== 'and' && condition !== 'or') throw new InvalidArgumentError(`filters.condition must be 'and' or 'or', got ${describe(condition)}`);
  const parts = filters.filters.map((f, i) => one(f, `filters.filters[${i}]`));
  return condition === 'and' ? { $and: parts } : { $or: parts };
}

function one(f: MetadataFilter, at: string): Filter {
  const { key, value, operator } = f;
  if (typeof key !== 'string' || key === '') throw new InvalidArgumentError(`${at}.key must be a non-empty string, got ${describe(key)}`);
  switch (operator) {
    case '==':
    case 'contains':
      return { [key]: { $eq: scalar(value, at) } };
    case '!=':
      return { [key]: { $ne: scalar(value, at) } };
    case '>':
      return { [key]: { $gt: scalar(value, at) } };
    case '>=':
      return { [key]: { $gte: scalar(value, at) } };
    case '<':
      return { [key]: { $lt: scalar(value, at) } };
    case '<=':
      return { [key]: { $lte: scalar(value, at) } };
    case 'in':
    case 'any':
      return { [key]: { $in: list(value, at) } };
    case 'nin':
      return { [key]: { $nin: list(value, at) } };
    case 'all':
      return { $and: list(value, at).map((v) => ({ [key]: { $eq: v } })) };
    default:
      throw new InvalidArgumentError(`${at}.operator ${describe(operator)} is not supported by MiniVectorDB (supported: ==, !=, >, >=, <, <=, in, nin, any, all, contains)`);
  }
}

function scalar(value: unknown, at: string): string | number {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new InvalidArgumentError(`${at}.value must be a string or a finite number, got ${describe(value)}`);
}

function list(value: unknown, at: string): FilterValue[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${at}.value must be an array of strings or numbers, got ${describe(value)}`);
  return value.map((v, i) => scalar(v, `${at}.value[${i}]`));
}
