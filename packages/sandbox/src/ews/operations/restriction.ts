// FindItem/FindFolder restrictions (IsEqualTo, IsNotEqualTo, IsGreaterThan…, Contains,
// Excludes, Exists, And/Or/Not) evaluated over every property the sandbox returns for an item
// or folder, extended properties included. Common fields are read from the model directly;
// any other field URI is read from the item's EWS properties, as GetItem would return them.

import type { AnyItem, Folder } from '../../model.ts';
import { EwsError } from '../errors.ts';
import { displayNameOf } from '../mapping/contact.ts';
import { type ExtendedPath, findExtended, readExtendedPath } from '../mapping/extended.ts';
import { folderXml } from '../mapping/folder.ts';
import { itemProps } from '../mapping/item.ts';
import { allPropertiesShape, type Prop } from '../mapping/shape.ts';
import { NS } from '../xml/namespaces.ts';
import { childElement, childText, parseRootElement, type XElement } from '../xml/parse.ts';

export type Predicate<T = AnyItem> = (target: T) => boolean;

type FieldValue = string | number | boolean | string[] | undefined;

export interface FieldPath {
  uri: string;
  index?: string;
  extended?: ExtendedPath;
}

/** Reads one property of a target (an item or a folder) for a restriction. */
export type Accessor<T> = (target: T, path: FieldPath) => FieldValue;

/** Paths Exchange refuses in a restriction: collections and blobs it does not index. */
const NOT_QUERYABLE = new Set([
  'item:Attachments',
  'item:MimeContent',
  'item:ResponseObjects',
  'item:EffectiveRights',
  'item:InternetMessageHeaders',
  'calendar:Recurrence',
  'calendar:ModifiedOccurrences',
  'calendar:DeletedOccurrences',
  'calendar:FirstOccurrence',
  'calendar:LastOccurrence',
  'calendar:RequiredAttendees',
  'calendar:OptionalAttendees',
  'calendar:Resources',
  'message:ToRecipients',
  'message:CcRecipients',
  'message:BccRecipients',
  'message:ReplyTo',
  'task:Recurrence',
]);

/** Leaf texts (or the Id of an id element) of a property's XML, as the values to compare. */
function propValues(xml: string): FieldValue {
  if (!xml) return undefined;
  const root = parseRootElement(`<r xmlns:t="${NS.t}" xmlns:m="${NS.m}">${xml}</r>`);
  const out: string[] = [];
  const walk = (e: XElement) => {
    if (e.children.length === 0) {
      if (e.text !== '') out.push(e.text);
      else if (e.attrs.Id !== undefined) out.push(e.attrs.Id);
    }
    for (const c of e.children) walk(c);
  };
  for (const c of root.children) walk(c);
  return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
}

function fromProps(props: Prop[], path: FieldPath): FieldValue {
  const p = props.find((x) => x.uri === path.uri);
  if (!p) return undefined;
  if (path.index !== undefined && p.indexed) {
    return propValues(p.indexed.entries.find((e) => e.key === path.index)?.xml ?? '');
  }
  return propValues(p.xml);
}

/** Items: the model's common fields, extended properties, then the item's EWS properties. */
export function itemAccessor(mailboxAddress: string): Accessor<AnyItem> {
  const cache = new WeakMap<AnyItem, Prop[]>();
  const shape = allPropertiesShape();
  return (item, path) => {
    if (path.extended) {
      const found = findExtended(item.data.extendedProperties, path.extended);
      if (!found) return undefined;
      return path.extended.type.endsWith('Array') ? found.values : found.values[0];
    }
    const known = fieldValue(item, path.uri, path.index);
    if (known !== NOT_MODELLED) return known;
    let props = cache.get(item);
    if (!props) {
      props = itemProps(item, shape, mailboxAddress);
      cache.set(item, props);
    }
    return fromProps(props, path);
  };
}

/** Folders: their EWS properties (DisplayName, FolderClass, counts, …). */
export function folderAccessor(
  counts: (folder: Folder) => { total: number; unread: number; childFolders: number },
): Accessor<Folder> {
  const shape = allPropertiesShape();
  return (folder, path) => {
    if (path.extended) return undefined;
    if (path.uri === 'folder:DisplayName') return folder.displayName;
    if (path.uri === 'folder:FolderClass') return folder.folderClass;
    const xml = folderXml(folder, counts(folder), shape);
    const inner = xml.replace(/^<[^>]+>/, '').replace(/<\/[^>]+>$/, '');
    const props: Prop[] = [];
    const re = /<t:(\w+)[\s\S]*?(?:\/>|<\/t:\1>)/g;
    for (let m = re.exec(inner); m; m = re.exec(inner)) props.push({ uri: `folder:${m[1]}`, xml: m[0] });
    return fromProps(props, path);
  };
}

const NOT_MODELLED = Symbol('not modelled');

function fieldValue(item: AnyItem, uri: string, index?: string): FieldValue | typeof NOT_MODELLED {
  const d = item.data as unknown as Record<string, unknown>;
  switch (uri) {
    case 'item:Subject':
      return item.kind === 'contact' ? displayNameOf(item.data) : (d.subject as string | undefined);
    case 'item:Categories':
      return d.categories as string[];
    case 'item:DateTimeCreated':
      return Date.parse(item.createdDateTime);
    case 'item:LastModifiedTime':
      return Date.parse(item.lastModifiedDateTime);
    case 'item:DateTimeReceived':
      return item.kind === 'message'
        ? Date.parse(item.data.receivedDateTime ?? item.createdDateTime)
        : Date.parse(item.createdDateTime);
    case 'item:DateTimeSent':
      return item.kind === 'message' ? Date.parse(item.data.sentDateTime ?? item.createdDateTime) : undefined;
    case 'item:ItemClass':
      return { contact: 'IPM.Contact', event: 'IPM.Appointment', task: 'IPM.Task', message: 'IPM.Note' }[
        item.kind
      ];
    case 'item:Importance':
      return d.importance as string | undefined;
    case 'contacts:DisplayName':
      return item.kind === 'contact' ? displayNameOf(item.data) : undefined;
    case 'contacts:GivenName':
    case 'contacts:Surname':
    case 'contacts:CompanyName':
    case 'contacts:JobTitle':
    case 'contacts:Department': {
      const key = {
        'contacts:GivenName': 'givenName',
        'contacts:Surname': 'surname',
        'contacts:CompanyName': 'companyName',
        'contacts:JobTitle': 'jobTitle',
        'contacts:Department': 'department',
      }[uri];
      return item.kind === 'contact' ? (d[key] as string | undefined) : undefined;
    }
    case 'contacts:EmailAddress': {
      if (item.kind !== 'contact') return undefined;
      const slot = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'].indexOf(index ?? 'EmailAddress1');
      return item.data.emailAddresses[slot]?.address;
    }
    case 'calendar:Start':
      return item.kind === 'event' ? Date.parse(item.data.start) : undefined;
    case 'calendar:End':
      return item.kind === 'event' ? Date.parse(item.data.end) : undefined;
    case 'calendar:UID':
      return item.kind === 'event' ? item.data.iCalUId : undefined;
    case 'calendar:IsRecurring':
      return item.kind === 'event' ? item.data.recurrence !== undefined : undefined;
    case 'task:Status':
      return item.kind === 'task'
        ? {
            notStarted: 'NotStarted',
            inProgress: 'InProgress',
            completed: 'Completed',
            waitingOnOthers: 'WaitingOnOthers',
            deferred: 'Deferred',
          }[item.data.status]
        : undefined;
    case 'task:DueDate':
      return item.kind === 'task' && item.data.dueDate
        ? Date.parse(`${item.data.dueDate}T00:00:00Z`)
        : undefined;
    case 'message:IsRead':
      return item.kind === 'message' ? item.data.isRead : undefined;
    case 'message:InternetMessageId':
      return item.kind === 'message' ? item.data.internetMessageId : undefined;
    case 'message:From':
      return item.kind === 'message' ? item.data.from?.address : undefined;
    default:
      return NOT_MODELLED;
  }
}

function fieldOf(expr: XElement): FieldPath {
  const extended = childElement(expr, 'ExtendedFieldURI');
  if (extended) return { uri: '', extended: readExtendedPath(extended) };
  const path = childElement(expr, 'FieldURI') ?? childElement(expr, 'IndexedFieldURI');
  if (!path?.attrs.FieldURI)
    throw new EwsError('ErrorUnsupportedPathForQuery', 'The restriction names no property path.');
  if (NOT_QUERYABLE.has(path.attrs.FieldURI)) {
    throw new EwsError(
      'ErrorUnsupportedPathForQuery',
      `The property ${path.attrs.FieldURI} cannot be used in a restriction.`,
    );
  }
  return { uri: path.attrs.FieldURI, index: path.attrs.FieldIndex };
}

function constantOf(expr: XElement): string {
  const c =
    childElement(childElement(expr, 'FieldURIOrConstant'), 'Constant') ?? childElement(expr, 'Constant');
  if (!c) throw new EwsError('ErrorInvalidRequest', 'The comparison has no Constant to compare with.');
  return c.attrs.Value ?? '';
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

function compare(value: FieldValue, constant: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const c = DATE.test(constant) ? Date.parse(constant) : Number(constant);
    return Number.isNaN(c) ? undefined : value - c;
  }
  if (typeof value === 'boolean') return value === (constant === 'true' || constant === '1') ? 0 : 1;
  if (Array.isArray(value)) return value.some((v) => compare(v, constant) === 0) ? 0 : 1;
  if (DATE.test(value) && DATE.test(constant)) {
    const a = Date.parse(value);
    const b = Date.parse(constant);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  }
  if (/^(true|false)$/i.test(value) && /^(true|false|1|0)$/i.test(constant)) {
    return (value.toLowerCase() === 'true') === (constant === '1' || constant.toLowerCase() === 'true')
      ? 0
      : 1;
  }
  if (/^-?\d+(\.\d+)?$/.test(value) && /^-?\d+(\.\d+)?$/.test(constant))
    return Number(value) - Number(constant);
  return value.toLowerCase().localeCompare(constant.toLowerCase());
}

export function readRestriction<T = AnyItem>(
  restriction: XElement | undefined,
  get: Accessor<T>,
): Predicate<T> | undefined {
  const expr = restriction?.children[0];
  return expr ? predicate(expr, get) : undefined;
}

function predicate<T>(expr: XElement, get: Accessor<T>): Predicate<T> {
  switch (expr.name) {
    case 'And':
    case 'Or': {
      const parts = expr.children.map((c) => predicate(c, get));
      return expr.name === 'And' ? (i) => parts.every((p) => p(i)) : (i) => parts.some((p) => p(i));
    }
    case 'Not': {
      const inner = predicate(expr.children[0], get);
      return (i) => !inner(i);
    }
    case 'Exists': {
      const f = fieldOf(expr);
      return (i) => {
        const v = get(i, f);
        return v !== undefined && v !== '';
      };
    }
    case 'Excludes': {
      // Bitwise: true when none of the constant's bits are set in the (integer) property.
      const f = fieldOf(expr);
      const mask = Number(
        childElement(childElement(expr, 'Bitmask'), 'Value')?.attrs.Value ??
          childElement(expr, 'Bitmask')?.attrs.Value ??
          Number.NaN,
      );
      if (!Number.isInteger(mask))
        throw new EwsError('ErrorInvalidRequest', 'Excludes needs an integer Bitmask.');
      return (i) => {
        const v = Number(get(i, f));
        return Number.isInteger(v) && (v & mask) === 0;
      };
    }
    case 'Contains': {
      const f = fieldOf(expr);
      const c = constantOf(expr);
      const mode = expr.attrs.ContainmentMode ?? 'Substring';
      const ignoreCase = (expr.attrs.ContainmentComparison ?? 'Exact') !== 'Exact';
      return (i) => {
        const raw = get(i, f);
        const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)];
        return values.some((v0) => {
          const v = ignoreCase ? v0.toLowerCase() : v0;
          const k = ignoreCase ? c.toLowerCase() : c;
          if (mode === 'FullString') return v === k;
          if (mode === 'Prefixed') return v.startsWith(k);
          return v.includes(k);
        });
      };
    }
    case 'IsEqualTo':
    case 'IsNotEqualTo':
    case 'IsGreaterThan':
    case 'IsGreaterThanOrEqualTo':
    case 'IsLessThan':
    case 'IsLessThanOrEqualTo': {
      const f = fieldOf(expr);
      const c = constantOf(expr);
      const test = {
        IsEqualTo: (n: number) => n === 0,
        IsNotEqualTo: (n: number) => n !== 0,
        IsGreaterThan: (n: number) => n > 0,
        IsGreaterThanOrEqualTo: (n: number) => n >= 0,
        IsLessThan: (n: number) => n < 0,
        IsLessThanOrEqualTo: (n: number) => n <= 0,
      }[expr.name];
      return (i) => {
        const r = compare(get(i, f), c);
        return r === undefined ? expr.name === 'IsNotEqualTo' : test(r);
      };
    }
    default:
      throw new EwsError(
        'ErrorInvalidRequest',
        `The restriction ${expr.name} is not supported by the sandbox.`,
      );
  }
}

export function sortBy<T = AnyItem>(
  order: XElement | undefined,
  get: Accessor<T>,
): ((a: T, b: T) => number) | undefined {
  const fields = order ? order.children.filter((c) => c.name === 'FieldOrder') : [];
  if (fields.length === 0) return undefined;
  const keys = fields.map((f) => ({ ...fieldOf(f), desc: f.attrs.Order === 'Descending' }));
  return (a, b) => {
    for (const k of keys) {
      const va = get(a, k);
      const vb = get(b, k);
      const r =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : String(va ?? '').localeCompare(String(vb ?? ''));
      if (r !== 0) return k.desc ? -r : r;
    }
    return 0;
  };
}

export { childText };
