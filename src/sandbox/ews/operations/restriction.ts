// FindItem/FindFolder restrictions: the search expressions a sync client uses (equality,
// substring, comparisons, And/Or/Not) over the common fields.

import type { AnyItem } from '../../model.ts';
import { EwsError } from '../errors.ts';
import { displayNameOf } from '../mapping/contact.ts';
import { kid, kidText, type XElement } from '../xml/parse.ts';

export type Predicate = (item: AnyItem) => boolean;

type FieldValue = string | number | boolean | string[] | undefined;

function fieldValue(item: AnyItem, uri: string, index?: string): FieldValue {
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
      throw new EwsError(
        'ErrorUnsupportedPathForQuery',
        `The property ${uri} cannot be used in a restriction.`,
      );
  }
}

function fieldOf(expr: XElement): { uri: string; index?: string } {
  const path = kid(expr, 'FieldURI') ?? kid(expr, 'IndexedFieldURI') ?? kid(expr, 'ExtendedFieldURI');
  if (!path?.attrs.FieldURI)
    throw new EwsError('ErrorUnsupportedPathForQuery', 'The restriction names no supported property path.');
  return { uri: path.attrs.FieldURI, index: path.attrs.FieldIndex };
}

function constantOf(expr: XElement): string {
  const c = kid(kid(expr, 'FieldURIOrConstant'), 'Constant') ?? kid(expr, 'Constant');
  if (!c) throw new EwsError('ErrorInvalidRequest', 'The comparison has no Constant to compare with.');
  return c.attrs.Value ?? '';
}

function compare(value: FieldValue, constant: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const c = /^\d{4}-\d{2}-\d{2}/.test(constant) ? Date.parse(constant) : Number(constant);
    return Number.isNaN(c) ? undefined : value - c;
  }
  if (typeof value === 'boolean') return value === (constant === 'true' || constant === '1') ? 0 : 1;
  if (Array.isArray(value)) return value.some((v) => v.toLowerCase() === constant.toLowerCase()) ? 0 : 1;
  return value.toLowerCase().localeCompare(constant.toLowerCase());
}

export function readRestriction(restriction: XElement | undefined): Predicate | undefined {
  const expr = restriction?.children[0];
  return expr ? predicate(expr) : undefined;
}

function predicate(expr: XElement): Predicate {
  switch (expr.name) {
    case 'And':
    case 'Or': {
      const parts = expr.children.map(predicate);
      return expr.name === 'And' ? (i) => parts.every((p) => p(i)) : (i) => parts.some((p) => p(i));
    }
    case 'Not': {
      const inner = predicate(expr.children[0]);
      return (i) => !inner(i);
    }
    case 'Exists': {
      const f = fieldOf(expr);
      return (i) => {
        const v = fieldValue(i, f.uri, f.index);
        return v !== undefined && v !== '';
      };
    }
    case 'Contains': {
      const f = fieldOf(expr);
      const c = constantOf(expr);
      const mode = expr.attrs.ContainmentMode ?? 'Substring';
      const ignoreCase = (expr.attrs.ContainmentComparison ?? 'Exact') !== 'Exact';
      return (i) => {
        const raw = fieldValue(i, f.uri, f.index);
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
        const r = compare(fieldValue(i, f.uri, f.index), c);
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

export function sortBy(order: XElement | undefined): ((a: AnyItem, b: AnyItem) => number) | undefined {
  const fields = order ? order.children.filter((c) => c.name === 'FieldOrder') : [];
  if (fields.length === 0) return undefined;
  const keys = fields.map((f) => ({ ...fieldOf(f), desc: f.attrs.Order === 'Descending' }));
  return (a, b) => {
    for (const k of keys) {
      const va = fieldValue(a, k.uri, k.index);
      const vb = fieldValue(b, k.uri, k.index);
      const r =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : String(va ?? '').localeCompare(String(vb ?? ''));
      if (r !== 0) return k.desc ? -r : r;
    }
    return 0;
  };
}

export { kidText };
