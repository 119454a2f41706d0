// A raw EWS SOAP client for tests: builds envelopes the way EWS clients write them, sends
// them, records both bodies for schema validation, and parses the answer.

import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import { childElement, parseRootElement, type XElement } from '@exsync/sandbox/ews/xml/parse';

export const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
export const T = 'http://schemas.microsoft.com/exchange/services/2006/types';

export interface EwsCallOptions {
  /** Value of the Authorization header. */
  authorization?: string;
  version?: string | null;
  impersonate?: string;
  timeZone?: string;
  headers?: Record<string, string>;
  /** Extra SOAP header XML. */
  soapHeader?: string;
  /** Record for schema validation (default true). */
  record?: boolean;
}

export interface EwsAnswer {
  status: number;
  text: string;
  headers: Headers;
  /** The operation element (or Fault) inside soap:Body, when the answer is SOAP. */
  body?: XElement;
}

export function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

export function soapEnvelope(operationXml: string, o: EwsCallOptions = {}): string {
  const version = o.version === undefined ? 'Exchange2016' : o.version;
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}">` +
    '<soap:Header>' +
    (version ? `<t:RequestServerVersion Version="${version}"/>` : '') +
    (o.impersonate
      ? `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>${o.impersonate}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
      : '') +
    (o.timeZone ? `<t:TimeZoneContext><t:TimeZoneDefinition Id="${o.timeZone}"/></t:TimeZoneContext>` : '') +
    (o.soapHeader ?? '') +
    `</soap:Header><soap:Body>${operationXml}</soap:Body></soap:Envelope>`
  );
}

export class EwsTestClient {
  readonly url: string;
  readonly recorder: EwsSchemaRecorder;
  authorization: string;

  constructor(url: string, authorization: string, recorder = new EwsSchemaRecorder()) {
    this.url = url;
    this.authorization = authorization;
    this.recorder = recorder;
  }

  async call(operationXml: string, o: EwsCallOptions = {}): Promise<EwsAnswer> {
    return this.send(soapEnvelope(operationXml, o), o);
  }

  async send(envelopeXml: string, o: EwsCallOptions = {}): Promise<EwsAnswer> {
    const res = await fetch(`${this.url}/EWS/Exchange.asmx`, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        authorization: o.authorization ?? this.authorization,
        ...(o.impersonate ? { 'x-anchormailbox': o.impersonate } : {}),
        ...o.headers,
      },
      body: envelopeXml,
    });
    const text = await res.text();
    if (o.record !== false && res.headers.get('content-type')?.includes('xml')) {
      this.recorder.recordExchange(envelopeXml, text, /<m:(\w+)/.exec(envelopeXml)?.[1] ?? 'EWS');
    }
    let body: XElement | undefined;
    if (text.startsWith('<?xml') || text.startsWith('<')) {
      try {
        body = childElement(parseRootElement(text), 'Body')?.children[0];
      } catch {
        body = undefined;
      }
    }
    return { status: res.status, text, headers: res.headers, body };
  }
}

/** The first response message of an operation response. */
export function firstMessage(answer: EwsAnswer): XElement {
  const messages = childElement(answer.body, 'ResponseMessages');
  if (!messages) throw new Error(`No ResponseMessages in: ${answer.text.slice(0, 500)}`);
  return messages.children[0];
}

export function responseCode(message: XElement): string {
  return childElement(message, 'ResponseCode')?.text ?? '';
}

/** `<t:ResponseCode>` inside a SOAP fault's detail. */
export function faultCode(answer: EwsAnswer): string | undefined {
  if (answer.body?.name !== 'Fault') return undefined;
  return childElement(childElement(answer.body, 'detail'), 'ResponseCode')?.text;
}

export function descendant(el: XElement | undefined, ...path: string[]): XElement | undefined {
  let cur = el;
  for (const p of path) cur = childElement(cur, p);
  return cur;
}

export function all(el: XElement | undefined, name: string): XElement[] {
  if (!el) return [];
  const out: XElement[] = [];
  const walk = (e: XElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
