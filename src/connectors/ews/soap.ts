// SOAP 1.1 envelopes for EWS: the version header, impersonation, and the answer's body.
import { ConnectorError } from '../errors.ts';
import { child, el, isNode, leaf, NS, parseAnswerTree, parseAnswerTreeOffThread, type XNode } from './xml.ts';

export type ExchangeVersion =
  | 'Exchange2010_SP2'
  | 'Exchange2013'
  | 'Exchange2013_SP1'
  | 'Exchange2016'
  | 'V2018_01_08';

export interface EnvelopeOptions {
  version: ExchangeVersion;
  /** SMTP address to act as (organisation mode). */
  impersonate?: string;
  /** UTC for all dates the server returns. */
  timeZone?: boolean;
}

export function envelope(body: string, options: EnvelopeOptions): string {
  const header = [
    el('t:RequestServerVersion', { Version: options.version }),
    options.impersonate
      ? el(
          't:ExchangeImpersonation',
          null,
          el('t:ConnectingSID', null, leaf('t:PrimarySmtpAddress', options.impersonate)),
        )
      : '',
    options.timeZone !== true ? '' : el('t:TimeZoneContext', null, el('t:TimeZoneDefinition', { Id: 'UTC' })),
  ];
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    el(
      'soap:Envelope',
      { 'xmlns:soap': NS.soap, 'xmlns:t': NS.t, 'xmlns:m': NS.m },
      el('soap:Header', null, header),
      el('soap:Body', null, body),
    )
  );
}

export interface SoapAnswer {
  /** The operation's response element (`SyncFolderItemsResponse`), prefixes removed. */
  body: XNode;
  /** Set when the answer is a SOAP fault. */
  fault?: { code?: string; message: string; responseCode?: string; detail?: XNode };
}

/** Reads one envelope; anything that is not a SOAP envelope is `invalid_response`. */
export function readSoap(text: string): SoapAnswer {
  return soapAnswerOf(parseAnswerTree(text));
}

/** readSoap, parsing long answers in a worker thread (see parseAnswerTreeOffThread). */
export async function readSoapOffThread(text: string): Promise<SoapAnswer> {
  return soapAnswerOf(await parseAnswerTreeOffThread(text));
}

function soapAnswerOf(doc: XNode): SoapAnswer {
  const env = child(doc, 'Envelope');
  const body = child(env, 'Body');
  if (!body)
    throw new ConnectorError(
      'invalid_response',
      'The server did not answer with a SOAP envelope; is this an Exchange EWS URL?',
    );
  const fault = child(body, 'Fault');
  if (fault) {
    const detail = child(fault, 'detail');
    const responseCode = typeof detail?.ResponseCode === 'string' ? detail.ResponseCode : undefined;
    return {
      body,
      fault: {
        code: typeof fault.faultcode === 'string' ? fault.faultcode : undefined,
        message:
          typeof fault.faultstring === 'string'
            ? fault.faultstring
            : isNode(fault.faultstring)
              ? String(fault.faultstring['#text'] ?? '')
              : 'SOAP fault',
        responseCode,
        detail,
      },
    };
  }
  const [name] = Object.keys(body).filter((k) => !k.startsWith('@'));
  const operation = name ? child(body, name) : undefined;
  if (!operation) throw new ConnectorError('invalid_response', 'The SOAP body of the answer is empty.');
  return { body: operation };
}
