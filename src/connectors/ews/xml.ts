// XML for EWS: a small escaping builder for requests (element order follows Microsoft's schema),
// and fast-xml-parser for answers, with prefixes dropped (EWS uses fixed namespaces) and any
// document type declaration refused, so that no entity is ever expanded or fetched.
import { Worker } from 'node:worker_threads';
import { withoutForbiddenXmlChars } from '@exsync/common/xml-chars';
import { XMLParser } from 'fast-xml-parser';
import { ConnectorError } from '../errors.ts';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
} as const;

/**
 * Text as XML content. Characters XML cannot carry (NUL and other controls) are left out: one of
 * them would make Exchange refuse the whole request, and with it every other item it carries.
 */
export function escapeXml(text: string): string {
  return withoutForbiddenXmlChars(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = string | false | undefined | null | Child[];

function flat(children: Child[]): string {
  let out = '';
  for (const c of children) {
    if (Array.isArray(c)) out += flat(c);
    else if (typeof c === 'string') out += c;
  }
  return out;
}

/** An element whose children are already XML. */
export function el(name: string, attrs: Attrs | null, ...children: Child[]): string {
  const a = attrs
    ? Object.entries(attrs)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
        .join('')
    : '';
  const inner = flat(children);
  return inner === '' ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

/** An element holding text; nothing when the value is undefined. */
export function leaf(name: string, value: string | number | boolean | undefined, attrs?: Attrs): string {
  if (value === undefined) return '';
  return `<${name}${attrs ? el('x', attrs).slice(2, -2) : ''}>${escapeXml(String(value))}</${name}>`;
}

// ---------- parsing ----------

export type XNode = Record<string, unknown>;

/** How answers are parsed, here and in the parsing thread (xml-worker.ts). */
export const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
} as const;

const parser = new XMLParser(PARSER_OPTIONS);

function refuseDoctype(text: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new ConnectorError(
      'invalid_response',
      'The server answered with a document type declaration, which EWS never sends; it was not read.',
    );
  }
}

const notWellFormed = (reason: string, cause?: unknown) =>
  new ConnectorError('invalid_response', `The server's answer is not well-formed XML (${reason}).`, {
    cause,
  });

/**
 * A server's answer (EWS or Autodiscover) as a tree of plain objects: elements by local name
 * (namespace prefixes dropped), attributes under `@name`, text as a string (under `#text` beside
 * attributes). Refuses DTDs, which EWS never sends.
 */
export function parseAnswerTree(text: string): XNode {
  refuseDoctype(text);
  try {
    return parser.parse(text, true) as XNode;
  } catch (error) {
    throw notWellFormed((error as Error).message, error);
  }
}

/**
 * Answers longer than this are parsed in a worker thread: parsing XML takes about a second per
 * megabyte or two, and on the main thread that would hold up every other request meanwhile.
 */
export const OFF_THREAD_BYTES = 64 * 1024;

let worker: Worker | undefined;
let nextJob = 0;
const waiting = new Map<number, { resolve: (doc: XNode) => void; reject: (error: Error) => void }>();

function parsingThread(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./xml-worker.ts', import.meta.url));
  // Idle, it must not keep the process alive.
  started.unref();
  started.on('message', (message: { id: number; doc?: XNode; error?: string }) => {
    const job = waiting.get(message.id);
    waiting.delete(message.id);
    if (!job) return;
    if (message.error !== undefined) job.reject(notWellFormed(message.error));
    else job.resolve(message.doc!);
    if (waiting.size === 0) started.unref();
  });
  started.on('error', (error) => {
    worker = undefined;
    for (const job of waiting.values()) job.reject(notWellFormed(error.message, error));
    waiting.clear();
  });
  worker = started;
  return started;
}

/** parseAnswerTree, in the parsing thread for long answers, so the server stays responsive. */
export async function parseAnswerTreeOffThread(text: string): Promise<XNode> {
  if (text.length < OFF_THREAD_BYTES) return parseAnswerTree(text);
  refuseDoctype(text);
  const thread = parsingThread();
  const id = nextJob++;
  return new Promise<XNode>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    // Busy: keep the process alive until the answer is back.
    thread.ref();
    thread.postMessage({ id, text });
  });
}

export const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null && !Array.isArray(v);
export const child = (n: unknown, name: string): XNode | undefined => {
  const v = isNode(n) ? n[name] : undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return isNode(first) ? first : typeof first === 'string' ? { '#text': first } : undefined;
};
export const children = (n: unknown, name: string): XNode[] => {
  const v = isNode(n) ? n[name] : undefined;
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((x) => (isNode(x) ? x : typeof x === 'string' ? { '#text': x } : {}));
};
export function text(n: unknown, name?: string): string | undefined {
  const v =
    name === undefined
      ? n
      : isNode(n)
        ? Array.isArray(n[name])
          ? (n[name] as unknown[])[0]
          : n[name]
        : undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (isNode(v) && typeof v['#text'] === 'string') return v['#text'];
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
export const attr = (n: unknown, name: string): string | undefined =>
  isNode(n) && typeof n[`@${name}`] === 'string' ? (n[`@${name}`] as string) : undefined;
