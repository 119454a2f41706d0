// Graph's singleValueExtendedProperties / multiValueExtendedProperties ⇄ the item's stored MAPI
// properties. Ids use Microsoft's forms ("String 0x3A24", "String {guid} Name Color",
// "Integer {guid} Id 0x8005"); they are stored in the normalised form EWS uses, so a value
// written through one protocol reads the same through the other.
import type { ExtendedProperty } from '../../model.ts';
import { badRequest } from '../errors.ts';
import type { Json } from './common.ts';

/** MAPI type names as EWS spells them; Graph accepts any case. */
const TYPES = [
  'ApplicationTime',
  'Binary',
  'Boolean',
  'CLSID',
  'Currency',
  'Double',
  'Error',
  'Float',
  'Integer',
  'Long',
  'Null',
  'Object',
  'Short',
  'String',
  'SystemTime',
];
const TYPE_BY_LOWER = new Map<string, string>();
for (const t of TYPES) {
  TYPE_BY_LOWER.set(t.toLowerCase(), t);
  TYPE_BY_LOWER.set(`${t.toLowerCase()}array`, `${t}Array`);
}

export type ExtendedId = Omit<ExtendedProperty, 'values'>;

function invalidId(id: string): Error {
  return badRequest(
    `'${id}' is not an extended property id. Use '{type} 0x{tag}', '{type} {guid} Name {name}' or '{type} {guid} Id 0x{id}'.`,
    'ErrorInvalidProperty',
  );
}

function parseNumber(text: string): number {
  return /^0x[0-9a-f]+$/i.test(text)
    ? Number.parseInt(text, 16)
    : /^\d+$/.test(text)
      ? Number(text)
      : Number.NaN;
}

/** An extended property id in one of Microsoft's documented forms, normalised as EWS stores it. */
export function parseExtendedId(id: string): ExtendedId {
  const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(id);
  const type = m ? TYPE_BY_LOWER.get(m[1].toLowerCase()) : undefined;
  if (!m || !type) throw invalidId(id);
  const rest = m[2];
  const tagged = /^(0x[0-9a-f]{1,4})$/i.exec(rest);
  if (tagged) return { type, tag: Number.parseInt(tagged[1], 16) };
  const named =
    /^\{([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}\s+(Name|Id)\s+(.+)$/i.exec(rest);
  if (!named) throw invalidId(id);
  const propertySetId = named[1].toLowerCase();
  if (named[2].toLowerCase() === 'name') return { type, propertySetId, name: named[3] };
  const n = parseNumber(named[3]);
  if (!Number.isInteger(n)) throw invalidId(id);
  return { type, propertySetId, id: n };
}

/** Whether a stored property is the one an id names (the type is part of the identity, as in MAPI). */
export function sameExtended(p: ExtendedId, q: ExtendedId): boolean {
  if (p.type !== q.type) return false;
  if (p.tag !== undefined || q.tag !== undefined) return p.tag === q.tag;
  return p.propertySetId === q.propertySetId && p.name === q.name && p.id === q.id;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** The id Graph shows for a stored property. */
export function extendedIdText(p: ExtendedId): string {
  if (p.tag !== undefined) return `${p.type} ${hex(p.tag)}`;
  const set = `{${p.propertySetId}}`;
  return p.name !== undefined ? `${p.type} ${set} Name ${p.name}` : `${p.type} ${set} Id ${hex(p.id ?? 0)}`;
}

const SINGLE = 'singleValueExtendedProperties';
const MULTI = 'multiValueExtendedProperties';
export const EXTENDED_KEYS = [SINGLE, MULTI] as const;

/** The properties a request body sets, or undefined when it names none. */
export function extendedFromGraph(json: Json, entity: string): ExtendedProperty[] | undefined {
  let out: ExtendedProperty[] | undefined;
  for (const key of EXTENDED_KEYS) {
    if (!(key in json) || json[key] === null) continue;
    const list = json[key];
    if (!Array.isArray(list))
      throw badRequest(
        `Invalid value for property '${key}' of ${entity}: expected an array.`,
        'ErrorInvalidArgument',
      );
    for (const entry of list) {
      const { id, value } = (entry ?? {}) as Json;
      if (typeof id !== 'string')
        throw badRequest(`Each entry of '${key}' needs an 'id'.`, 'ErrorInvalidArgument');
      const parsed = parseExtendedId(id);
      const multi = key === MULTI;
      if (multi !== parsed.type.endsWith('Array'))
        throw badRequest(
          `'${id}' is ${multi ? 'not ' : ''}a multi-valued type; put it in '${multi ? SINGLE : MULTI}'.`,
          'ErrorInvalidProperty',
        );
      const values = multi ? value : [value];
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))
        throw badRequest(
          `The value of '${id}' must be ${multi ? 'an array of strings' : 'a string'}.`,
          'ErrorInvalidArgument',
        );
      out ??= [];
      out = [...out.filter((p) => !sameExtended(p, parsed)), { ...parsed, values: values as string[] }];
    }
  }
  return out;
}

/** `list` with `props` added, replacing those with the same id. */
export function mergeExtended(
  list: ExtendedProperty[] | undefined,
  props: ExtendedProperty[],
): ExtendedProperty[] {
  return [...(list ?? []).filter((p) => !props.some((q) => sameExtended(p, q))), ...props];
}

/**
 * The `$expand` option's extended properties: `singleValueExtendedProperties($filter=id eq '…')`
 * (several ids joined by `or`). Returns the ids each collection asks for.
 */
export function parseExtendedExpand(text: string | null | undefined): Map<string, ExtendedId[]> {
  const wanted = new Map<string, ExtendedId[]>();
  if (!text) return wanted;
  const re =
    /(singleValueExtendedProperties|multiValueExtendedProperties)\s*\(\s*\$filter\s*=\s*(.*?)\)\s*(?:,|$)/gi;
  for (const m of text.matchAll(re)) {
    const key = m[1].toLowerCase().startsWith('single') ? SINGLE : MULTI;
    const ids = [...m[2].matchAll(/id\s+eq\s+'((?:[^']|'')*)'/gi)].map((x) =>
      parseExtendedId(x[1].replace(/''/g, "'")),
    );
    if (ids.length === 0) throw badRequest(`$expand=${m[1]} needs a $filter such as id eq '{id}'.`);
    wanted.set(key, [...(wanted.get(key) ?? []), ...ids]);
  }
  return wanted;
}

/** Whether a stored property is the one a requested id names; Graph compares ids case-insensitively. */
export function matchesId(stored: ExtendedId, wanted: ExtendedId): boolean {
  if (stored.name !== undefined && wanted.name !== undefined)
    return sameExtended(
      { ...stored, name: stored.name.toLowerCase() },
      { ...wanted, name: wanted.name.toLowerCase() },
    );
  return sameExtended(stored, wanted);
}

/** The JSON an entity gains for an `$expand` of extended properties (nothing when none asked). */
export function extendedToGraph(
  list: ExtendedProperty[] | undefined,
  wanted: Map<string, ExtendedId[]>,
): Json {
  const out: Json = {};
  for (const [key, ids] of wanted) {
    const found = (list ?? []).filter((p) => ids.some((w) => matchesId(p, w)));
    out[key] = found.map((p) => ({
      id: extendedIdText(p),
      value: key === MULTI ? [...p.values] : (p.values[0] ?? ''),
    }));
  }
  return out;
}

/**
 * The stored properties ride along on an entity's JSON under a symbol (never serialised), so the
 * response code can filter on them and add them for `$expand` without knowing the entity type.
 */
export const STORED_EXTENDED = Symbol('storedExtendedProperties');

export function withStoredExtended(json: Json, list: ExtendedProperty[] | undefined): Json {
  if (list && list.length > 0) (json as Record<symbol, unknown>)[STORED_EXTENDED] = list;
  return json;
}

export function storedExtended(json: Json): ExtendedProperty[] | undefined {
  return (json as Record<symbol, unknown>)[STORED_EXTENDED] as ExtendedProperty[] | undefined;
}

/** The entity as `$filter` sees it: every stored property present, as Graph would expand it. */
export function filterView(json: Json): Json {
  const list = storedExtended(json) ?? [];
  const all = (multi: boolean) =>
    list
      .filter((p) => p.type.endsWith('Array') === multi)
      .map((p) => ({ id: extendedIdText(p), value: multi ? [...p.values] : (p.values[0] ?? '') }));
  return { ...json, [SINGLE]: all(false), [MULTI]: all(true) };
}

/** The item's new property list when a body sets any (added to, or replacing by id, `current`). */
export function extendedPatch(
  json: Json,
  entity: string,
  current: ExtendedProperty[] | undefined,
): ExtendedProperty[] | undefined {
  const props = extendedFromGraph(json, entity);
  return props ? mergeExtended(current, props) : undefined;
}
