// Autodiscover (SPEC A3): finds a mailbox's EWS URL from its address when no mail service's
// domain list matches. Tries POX autodiscover.xml, then SOAP autodiscover.svc, then the JSON
// endpoint, on https://autodiscover.<domain> and then https://<domain>.
import { ConnectorError } from '../errors.ts';
import type { HttpClient } from '../net/http.ts';
import { child, children, el, leaf, parseAnswerTree, text, type XNode } from './xml.ts';

export interface AutodiscoverOptions {
  http: HttpClient;
  /** Origins to try instead of autodiscover.<domain> and <domain> (tests, split DNS). */
  origins?: string[];
  /** Basic or bearer Authorization header value; Exchange asks for credentials on POX. */
  authorization?: string;
}

export interface AutodiscoverResult {
  ewsUrl: string;
  /** Which method answered. */
  method: 'pox' | 'soap' | 'json';
}

const POX_REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const POX_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const SOAP_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';

export function defaultOrigins(address: string): string[] {
  const domain = address.split('@')[1];
  if (!domain) throw new ConnectorError('permanent', `"${address}" is not an email address.`);
  return [`https://autodiscover.${domain}`, `https://${domain}`];
}

function validEwsUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

async function pox(
  o: AutodiscoverOptions,
  origin: string,
  address: string,
  hops = 0,
): Promise<string | undefined> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    el(
      'Autodiscover',
      { xmlns: POX_REQUEST_NS },
      el(
        'Request',
        null,
        leaf('EMailAddress', address),
        leaf('AcceptableResponseSchema', POX_RESPONSE_SCHEMA),
      ),
    );
  const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
  if (o.authorization) headers.authorization = o.authorization;
  const response = await o.http.send({
    method: 'POST',
    url: `${origin}/autodiscover/autodiscover.xml`,
    headers,
    body,
  });
  if (response.status !== 200) return undefined;
  const doc = parseAnswerTree(response.text());
  const account = child(child(child(doc, 'Autodiscover'), 'Response'), 'Account');
  if (!account) return undefined;
  if (text(account, 'Action') === 'redirectAddr' && hops < 3) {
    const next = text(account, 'RedirectAddr');
    return next ? pox(o, origin, next, hops + 1) : undefined;
  }
  const protocols = children(account, 'Protocol');
  const pick = (type: string) => protocols.find((p: XNode) => text(p, 'Type') === type);
  return validEwsUrl(
    text(pick('EXCH'), 'EwsUrl') ?? text(pick('EXPR'), 'EwsUrl') ?? text(protocols[0], 'EwsUrl'),
  );
}

async function soap(o: AutodiscoverOptions, origin: string, address: string): Promise<string | undefined> {
  const url = `${origin}/autodiscover/autodiscover.svc`;
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    el(
      'soap:Envelope',
      {
        'xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
        'xmlns:a': SOAP_NS,
        'xmlns:wsa': 'http://www.w3.org/2005/08/addressing',
      },
      el(
        'soap:Header',
        null,
        leaf('a:RequestedServerVersion', 'Exchange2013'),
        leaf(
          'wsa:Action',
          'http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings',
        ),
        leaf('wsa:To', url),
      ),
      el(
        'soap:Body',
        null,
        el(
          'a:GetUserSettingsRequestMessage',
          null,
          el(
            'a:Request',
            null,
            el('a:Users', null, el('a:User', null, leaf('a:Mailbox', address))),
            el(
              'a:RequestedSettings',
              null,
              leaf('a:Setting', 'ExternalEwsUrl'),
              leaf('a:Setting', 'InternalEwsUrl'),
            ),
          ),
        ),
      ),
    );
  const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
  if (o.authorization) headers.authorization = o.authorization;
  const response = await o.http.send({ method: 'POST', url, headers, body });
  if (response.status !== 200) return undefined;
  const doc = parseAnswerTree(response.text());
  const message = child(child(child(doc, 'Envelope'), 'Body'), 'GetUserSettingsResponseMessage');
  const userResponse = child(child(child(message, 'Response'), 'UserResponses'), 'UserResponse');
  const settings = children(child(userResponse, 'UserSettings'), 'UserSetting');
  const value = (name: string) =>
    text(
      settings.find((s) => text(s, 'Name') === name),
      'Value',
    );
  return validEwsUrl(value('ExternalEwsUrl') ?? value('InternalEwsUrl'));
}

async function json(o: AutodiscoverOptions, origin: string, address: string): Promise<string | undefined> {
  const response = await o.http.send({
    method: 'GET',
    url: `${origin}/autodiscover/autodiscover.json/v1.0/${encodeURIComponent(address)}?Protocol=EWS`,
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) return undefined;
  const parsed = JSON.parse(response.text()) as { Url?: unknown };
  return validEwsUrl(typeof parsed.Url === 'string' ? parsed.Url : undefined);
}

export async function autodiscover(
  address: string,
  options: AutodiscoverOptions,
): Promise<AutodiscoverResult> {
  const origins = options.origins ?? defaultOrigins(address);
  const tried: string[] = [];
  let lastError: unknown;
  for (const origin of origins) {
    for (const [method, run] of [
      ['pox', pox],
      ['soap', soap],
      ['json', json],
    ] as const) {
      try {
        const ewsUrl = await run(options, origin.replace(/\/$/, ''), address);
        if (ewsUrl) return { ewsUrl, method };
        tried.push(`${origin} (${method})`);
      } catch (error) {
        lastError = error;
        tried.push(`${origin} (${method}: ${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  throw new ConnectorError(
    'not_found',
    `Autodiscover found no EWS URL for ${address}. Tried: ${tried.join('; ')}. Enter the EWS URL in the mail service instead.`,
    {
      cause: lastError,
    },
  );
}
