// OData system query options as Graph's Outlook resources honour them.
import { badRequest } from '../errors.ts';
import { compareValues, type Predicate, parseFilter } from './filter.ts';

export interface OrderBy {
  path: string[];
  descending: boolean;
}

export interface QueryOptions {
  /** Raw `$select` text, kept so links can carry it on. */
  selectText?: string;
  select?: string[];
  top?: number;
  skip: number;
  orderBy: OrderBy[];
  filterText?: string;
  filter?: Predicate;
  count: boolean;
}

/** Reads `$name`, and the `name` spelling Graph also accepts. */
export function option(query: URLSearchParams, name: string): string | null {
  return query.get('$' + name) ?? query.get(name);
}

function nonNegativeInt(text: string | null, name: string): number | undefined {
  if (text === null) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`Invalid value '${text}' for query option $${name}: expected a non-negative integer.`);
  return n;
}

export function parseSelect(text: string | null | undefined): string[] | undefined {
  if (!text) return undefined;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length > 0 ? names : undefined;
}

export function parseQueryOptions(query: URLSearchParams): QueryOptions {
  const selectText = option(query, 'select') ?? undefined;
  const top = nonNegativeInt(option(query, 'top'), 'top');
  if (top !== undefined && top > 1000)
    throw badRequest('The value of $top must be 1000 or less.', 'ErrorInvalidArgument');
  const skip = nonNegativeInt(option(query, 'skip'), 'skip') ?? 0;
  const orderText = option(query, 'orderby');
  const orderBy: OrderBy[] = [];
  if (orderText) {
    for (const clause of orderText.split(',')) {
      const [path, direction, extra] = clause.trim().split(/\s+/);
      if (!path || extra || (direction && !/^(asc|desc)$/i.test(direction))) {
        throw badRequest(`Invalid $orderby clause '${clause.trim()}': use 'property [asc|desc]'.`);
      }
      orderBy.push({ path: path.split('/'), descending: direction?.toLowerCase() === 'desc' });
    }
  }
  const filterText = option(query, 'filter') ?? undefined;
  const countText = option(query, 'count');
  if (countText !== null && !/^(true|false)$/i.test(countText))
    throw badRequest('$count must be true or false.');
  return {
    selectText,
    select: parseSelect(selectText),
    top,
    skip,
    orderBy,
    filterText,
    filter: filterText ? parseFilter(filterText) : undefined,
    count: countText?.toLowerCase() === 'true',
  };
}

function walk(value: unknown, path: string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function sortEntities<T extends Record<string, unknown>>(entities: T[], orderBy: OrderBy[]): T[] {
  if (orderBy.length === 0) return entities;
  return [...entities].sort((a, b) => {
    for (const o of orderBy) {
      const c = compareValues(walk(a, o.path), walk(b, o.path));
      if (c !== 0) return o.descending ? -c : c;
    }
    return 0;
  });
}

/** Keeps the selected properties; Graph always returns `id` and annotations. */
export function applySelect(
  entity: Record<string, unknown>,
  select: string[] | undefined,
): Record<string, unknown> {
  if (!select) return entity;
  const wanted = new Set(select.map((s) => s.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (key === 'id' || key.startsWith('@') || wanted.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

/** One item of `$expand`: a navigation property and the text of its nested options, if any. */
export interface ExpandItem {
  name: string;
  /** What stood between the parentheses (`$select=subject;$top=5`), undefined without them. */
  options?: string;
}

/**
 * `$expand` split into its items at the commas outside parentheses
 * (`exceptionOccurrences($select=subject,start),singleValueExtendedProperties($filter=…)`).
 */
export function parseExpand(text: string | null | undefined): ExpandItem[] {
  if (!text) return [];
  const items: ExpandItem[] = [];
  let depth = 0;
  let from = 0;
  const push = (part: string) => {
    const m = /^\s*([^\s(]+)\s*(?:\((.*)\))?\s*$/s.exec(part);
    if (m) items.push(m[2] === undefined ? { name: m[1] } : { name: m[1], options: m[2] });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      push(text.slice(from, i));
      from = i + 1;
    }
  }
  push(text.slice(from));
  return items;
}

/** The `$select` of an expanded item's nested options (`$select=a,b;$top=5`), if it has one. */
export function nestedSelect(options: string | undefined): string[] | undefined {
  if (!options) return undefined;
  for (const part of options.split(';')) {
    const m = /^\s*\$?select\s*=(.*)$/is.exec(part);
    if (m) return parseSelect(m[1]);
  }
  return undefined;
}
