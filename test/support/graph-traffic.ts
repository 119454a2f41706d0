// Records Graph requests and responses as a client sends and receives them, and checks both
// against the JSON Schemas generated from Microsoft's CSDL: the body a client POSTs or PATCHes
// must be the entity (or action parameters) Graph defines, and what comes back must be too.
// The type follows from the URL, as Graph's own routing does.
import { assertGraphCollection, assertGraphEntity, type GraphTypeName } from './graph-schema.ts';

const COLLECTIONS: Record<string, GraphTypeName> = {
  contacts: 'contact',
  contactfolders: 'contactFolder',
  events: 'event',
  calendarview: 'event',
  instances: 'event',
  calendars: 'calendar',
  mailfolders: 'mailFolder',
  messages: 'message',
  attachments: 'attachment',
  lists: 'todoTaskList',
  tasks: 'todoTask',
  subscriptions: 'subscription',
  users: 'user',
};

/** What a Graph URL addresses: an entity type, or an action with its own parameters. */
export type GraphTarget =
  | { kind: 'entity'; type: GraphTypeName; collection: boolean }
  | { kind: 'action'; name: string }
  | { kind: 'other' };

/** The Graph path's segments below `/v1.0`, functions and keys unwrapped (`mailFolders('x')`). */
function segmentsOf(url: string): string[] {
  const path = new URL(url, 'http://graph.invalid').pathname.replace(/^\/v1\.0/i, '');
  const out: string[] = [];
  for (const raw of path.split('/').filter(Boolean)) {
    const segment = decodeURIComponent(raw).replace(/^microsoft\.graph\./i, '');
    const key = /^([^(]+)\((?:'([^']*)'|([^)']*))\)$/.exec(segment);
    if (!key) out.push(segment);
    else if ((key[2] ?? key[3]) === '') out.push(key[1]);
    else out.push(key[1], key[2] ?? key[3]);
  }
  return out;
}

export function graphTarget(url: string): GraphTarget {
  let segments = segmentsOf(url);
  if (segments[0]?.toLowerCase() === 'me') segments = segments.slice(1);
  else if (segments[0]?.toLowerCase() === 'users' && segments.length >= 2) segments = segments.slice(2);
  else if (segments[0] === '$batch') return { kind: 'other' };
  if (segments.length === 0) return { kind: 'entity', type: 'user', collection: false };
  const last = segments.at(-1)!;
  const lower = last.toLowerCase();
  if (['sendmail', 'getschedule', 'send', 'move', 'reauthorize'].includes(lower))
    return { kind: 'action', name: lower };
  if (lower === '$value') return { kind: 'other' };
  if (lower === 'calendar') return { kind: 'entity', type: 'calendar', collection: false };
  const isDelta = lower === 'delta';
  const rest = isDelta ? segments.slice(0, -1) : segments;
  const tail = rest.at(-1)?.toLowerCase() ?? '';
  const parent = rest.at(-3)?.toLowerCase() ?? '';
  const collectionType = (name: string, above: string): GraphTypeName | undefined =>
    name === 'childfolders'
      ? above === 'contactfolders'
        ? 'contactFolder'
        : 'mailFolder'
      : COLLECTIONS[name];
  const asCollection = collectionType(tail, parent);
  if (asCollection) return { kind: 'entity', type: asCollection, collection: true };
  const owner = rest.at(-2)?.toLowerCase() ?? '';
  const asItem = collectionType(owner, rest.at(-4)?.toLowerCase() ?? '');
  if (asItem) return { kind: 'entity', type: asItem, collection: false };
  return { kind: 'other' };
}

type Json = Record<string, unknown>;

function only(body: Json, names: string[], action: string): void {
  const extra = Object.keys(body).filter((k) => !k.startsWith('@') && !names.includes(k));
  if (extra.length > 0) throw new Error(`${action} has no parameter(s) ${extra.join(', ')}`);
}

/** Throws when a request body is not what Graph defines for the URL it is sent to. */
export function assertGraphRequestBody(method: string, url: string, body: unknown): void {
  if (body === undefined || method === 'GET' || method === 'DELETE') return;
  const target = graphTarget(url);
  const json = body as Json;
  if (target.kind === 'action') {
    switch (target.name) {
      case 'sendmail':
        only(json, ['message', 'saveToSentItems'], 'sendMail');
        assertGraphEntity('message', json.message);
        if (json.saveToSentItems !== undefined && typeof json.saveToSentItems !== 'boolean')
          throw new Error('sendMail: saveToSentItems must be a boolean');
        return;
      case 'getschedule':
        only(json, ['schedules', 'startTime', 'endTime', 'availabilityViewInterval'], 'getSchedule');
        assertGraphEntity('dateTimeTimeZone' as GraphTypeName, json.startTime);
        assertGraphEntity('dateTimeTimeZone' as GraphTypeName, json.endTime);
        return;
      case 'move':
        only(json, ['destinationId'], 'move');
        return;
      default:
        return;
    }
  }
  if (target.kind !== 'entity') return;
  const type =
    target.type === 'attachment' && String(json['@odata.type'] ?? '').endsWith('fileAttachment')
      ? 'fileAttachment'
      : target.type;
  assertGraphEntity(type, json);
}

/** Throws when a response body is not what Graph defines for the URL it answers. */
export function assertGraphResponseBody(method: string, url: string, status: number, body: unknown): void {
  if (status < 200 || status >= 300 || body === undefined || body === null || typeof body !== 'object')
    return;
  const target = graphTarget(url);
  const json = body as Json;
  if (target.kind === 'action') {
    if (target.name === 'getschedule')
      assertGraphCollection('scheduleInformation', json as { value: unknown[] });
    if (target.name === 'move') assertGraphEntity('message', json);
    return;
  }
  if (target.kind !== 'entity') return;
  const type = (entity: Json): GraphTypeName =>
    target.type === 'attachment' && String(entity['@odata.type'] ?? '').endsWith('fileAttachment')
      ? 'fileAttachment'
      : target.type;
  if (Array.isArray(json.value) && (target.collection || method === 'GET')) {
    for (const entry of json.value as Json[]) assertGraphCollection(type(entry), { value: [entry] });
    return;
  }
  assertGraphEntity(type(json), json);
}

export interface RecordedGraphExchange {
  method: string;
  url: string;
  requestText?: string;
  status: number;
  responseText: string;
}

function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class GraphTrafficRecorder {
  readonly requests: RecordedGraphExchange[] = [];

  record(method: string, url: string, requestText: string | undefined, status: number, responseText: string) {
    this.requests.push({ method: method.toUpperCase(), url, requestText, status, responseText });
  }

  errors(): string[] {
    const errors: string[] = [];
    for (const r of this.requests) {
      for (const check of [
        () => assertGraphRequestBody(r.method, r.url, parse(r.requestText)),
        () => assertGraphResponseBody(r.method, r.url, r.status, parse(r.responseText)),
      ]) {
        try {
          check();
        } catch (error) {
          errors.push(`${r.method} ${r.url.slice(0, 160)}: ${(error as Error).message}`);
        }
      }
    }
    return errors;
  }

  expectAllValid(): void {
    const errors = this.errors();
    if (errors.length > 0) {
      throw new Error(
        `${errors.length} Graph schema violation(s) in ${this.requests.length} exchanges:\n${errors.slice(0, 20).join('\n')}`,
      );
    }
  }
}
