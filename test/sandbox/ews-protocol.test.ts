// The EWS endpoint as a protocol: envelopes, versions, authentication (Basic, NTLM, Bearer),
// impersonation, malformed input, throttling and injected faults, Autodiscover.

import http from 'node:http';
import { authenticateMessage, negotiateMessage, readChallenge } from '@exsync/common/ntlm/client';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basic,
  EwsTestClient,
  faultCode,
  firstMessage,
  responseCode,
  soapEnvelope,
} from '../support/ews-soap.ts';

const PASSWORD = 'Passw0rd!';
const GET_INBOX =
  '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';

let sb: RunningSandbox;
let ada: EwsTestClient;

beforeAll(async () => {
  sb = await startSandbox();
  ada = new EwsTestClient(sb.url, basic('ada@example.test', PASSWORD));
});
afterAll(async () => {
  await sb?.close();
  await ada.recorder.expectAllValid();
}, 60_000);

describe('SOAP envelope and versions', () => {
  it('answers with a ServerVersionInfo header and the messages namespace', async () => {
    const answer = await ada.call(GET_INBOX);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/xml');
    expect(answer.text).toMatch(/<h:ServerVersionInfo [^>]*MajorVersion="15"[^>]*Version="V2018_01_08"/);
    expect(answer.body?.name).toBe('GetFolderResponse');
    expect(responseCode(firstMessage(answer))).toBe('NoError');
  });

  it.each(['Exchange2013', 'Exchange2013_SP1', 'Exchange2016', 'V2017_07_11', 'V2018_01_08'])(
    'accepts RequestServerVersion %s',
    async (version) => {
      const answer = await ada.call(GET_INBOX, { version });
      expect(answer.status).toBe(200);
    },
  );

  it.each(['Exchange2030', 'Exchange2003'])(
    'refuses RequestServerVersion %s with ErrorInvalidServerVersion',
    async (version) => {
      const answer = await ada.call(GET_INBOX, { version, record: false });
      expect(answer.status).toBe(500);
      expect(faultCode(answer)).toBe('ErrorInvalidServerVersion');
    },
  );

  it('reads operations whatever prefixes or default namespaces the client uses', async () => {
    const envelope =
      '<?xml version="1.0"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header>' +
      '<RequestServerVersion xmlns="http://schemas.microsoft.com/exchange/services/2006/types" Version="Exchange2016"/></Header>' +
      '<Body><GetFolder xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:x="http://schemas.microsoft.com/exchange/services/2006/types">' +
      '<FolderShape><x:BaseShape>IdOnly</x:BaseShape></FolderShape><FolderIds><x:DistinguishedFolderId Id="contacts"/></FolderIds></GetFolder></Body></Envelope>';
    const answer = await ada.send(envelope, { record: false });
    expect(answer.status).toBe(200);
    expect(responseCode(firstMessage(answer))).toBe('NoError');
  });
});

describe('malformed requests', () => {
  it('answers bad XML with an ErrorSchemaValidation fault (HTTP 500) and keeps serving', async () => {
    const answer = await ada.send('<soap:Envelope><unclosed>', { record: false });
    expect(answer.status).toBe(500);
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
    expect(answer.text).toContain('<t:LineNumber>');
    expect((await ada.call(GET_INBOX)).status).toBe(200);
  });

  it.each([
    ['a raw NUL', 'Poison\u0000Pill'],
    ['a NUL character reference', 'Poison&#0;Pill'],
    ['a raw U+001F', 'Unit\u001fSeparator'],
  ])(
    'refuses a request carrying %s as Exchange does: HTTP 500 ErrorSchemaValidation, nothing created',
    async (_what, name) => {
      const mailbox = sb.store.mailbox('ada@example.test')!;
      const contacts = sb.store.distinguishedFolder(mailbox.id, 'contacts')!;
      const before = sb.store.items(mailbox.id, contacts.id).length;
      const contact = (given: string) => `<t:Contact><t:GivenName>${given}</t:GivenName></t:Contact>`;
      const answer = await ada.call(
        '<m:CreateItem><m:SavedItemFolderId><t:DistinguishedFolderId Id="contacts"/></m:SavedItemFolderId>' +
          `<m:Items>${contact('Innocent')}${contact(name)}</m:Items></m:CreateItem>`,
        { record: false },
      );
      expect(answer.status).toBe(500);
      expect(faultCode(answer)).toBe('ErrorSchemaValidation');
      expect(answer.text).toMatch(/hexadecimal value 0x(00|1F), is an invalid character/);
      expect(sb.store.items(mailbox.id, contacts.id)).toHaveLength(before);
    },
  );

  it('refuses DTDs and external entities without resolving them', async () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' +
      soapEnvelope(
        '<m:GetFolder><m:FolderShape><t:BaseShape>&e;</t:BaseShape></m:FolderShape></m:GetFolder>',
      ).replace(/^<\?xml[^>]*>/, '');
    const answer = await ada.send(xxe, { record: false });
    expect(answer.status).toBe(500);
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
    expect(answer.text).not.toContain('root:');
  });

  it('answers an unknown operation with ErrorInvalidRequest', async () => {
    const answer = await ada.call('<m:FrobnicateItem/>', { record: false });
    expect(answer.status).toBe(500);
    expect(faultCode(answer)).toBe('ErrorInvalidRequest');
  });

  it('answers a body that is not in the messages namespace with ErrorSchemaValidation', async () => {
    const answer = await ada.call('<GetFolder xmlns="urn:other"/>', { record: false });
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
  });

  it('refuses an over-sized body', async () => {
    const small = await startSandbox({ seed: 'demo' });
    try {
      const big = 'x'.repeat(36 * 1024 * 1024);
      const res = await fetch(`${small.url}/EWS/Exchange.asmx`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', authorization: basic('ada@example.test', PASSWORD) },
        body: big,
      });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

describe('authentication', () => {
  it('asks for credentials with WWW-Authenticate Negotiate, NTLM, Basic and Bearer', async () => {
    const answer = await ada.call(GET_INBOX, { authorization: '', record: false });
    expect(answer.status).toBe(401);
    const challenge = answer.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/Basic realm="/);
    expect(challenge).toContain('NTLM');
    expect(challenge).toContain('Bearer');
  });

  it.each(['ada@example.test', 'example\\ada', 'EXAMPLE.TEST\\ada', 'ada'])(
    'accepts Basic login %s',
    async (login) => {
      const answer = await ada.call(GET_INBOX, { authorization: basic(login, PASSWORD) });
      expect(answer.status).toBe(200);
    },
  );

  it('refuses a wrong password', async () => {
    const answer = await ada.call(GET_INBOX, {
      authorization: basic('ada@example.test', 'nope'),
      record: false,
    });
    expect(answer.status).toBe(401);
  });

  it('completes an NTLM handshake on one keep-alive connection and checks the NTLMv2 response', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (authorization: string | undefined, body: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
        const req = http.request(
          `${sb.url}/EWS/Exchange.asmx`,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'text/xml', ...(authorization ? { authorization } : {}) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const body = soapEnvelope(GET_INBOX);
      const first = await post(`NTLM ${negotiateMessage().toString('base64')}`, body);
      expect(first.status).toBe(401);
      const challenge = /NTLM (\S+)/.exec(String(first.headers['www-authenticate']))?.[1];
      expect(challenge).toBeTruthy();
      const type3 = authenticateMessage(
        readChallenge(Buffer.from(challenge!, 'base64')),
        'EXAMPLE\\ada',
        PASSWORD,
      );
      const second = await post(`NTLM ${type3.toString('base64')}`, body);
      expect(second.status).toBe(200);
      ada.recorder.recordExchange(body, second.text, 'NTLM GetFolder');
      // The connection stays authenticated, as with IIS.
      const third = await post(undefined, body);
      expect(third.status).toBe(200);

      const bad = await post(`NTLM ${negotiateMessage().toString('base64')}`, body);
      const c2 = /NTLM (\S+)/.exec(String(bad.headers['www-authenticate']))![1];
      const wrong = authenticateMessage(readChallenge(Buffer.from(c2, 'base64')), 'EXAMPLE\\ada', 'wrong');
      expect((await post(`NTLM ${wrong.toString('base64')}`, body)).status).toBe(401);
    } finally {
      agent.destroy();
    }
  });

  it('accepts an app-only Bearer token with full_access_as_app when it impersonates', async () => {
    const app = sb.store.addApp({
      tenantId: sb.demo!.tenantId,
      displayName: 'EWS daemon',
      redirectUris: [],
      applicationPermissions: ['full_access_as_app'],
    });
    const token = sb.identity.clientCredentials(
      app,
      'https://outlook.office365.com/.default',
      `${sb.url}/${sb.demo!.tenantId}/v2.0`,
    ).access_token;
    const withoutImpersonation = await ada.call(GET_INBOX, {
      authorization: `Bearer ${token}`,
      record: false,
    });
    expect(faultCode(withoutImpersonation)).toBe('ErrorInvalidExchangeImpersonationHeaderData');
    const answer = await ada.call(GET_INBOX, {
      authorization: `Bearer ${token}`,
      impersonate: 'grace@example.test',
    });
    expect(answer.status).toBe(200);
    expect(responseCode(firstMessage(answer))).toBe('NoError');
  });

  it('accepts a delegated Bearer token with EWS.AccessAsUser.All and refuses one for Graph', async () => {
    const app = sb.store.app(sb.demo!.app.clientId)!;
    const mailbox = sb.store.mailbox('ada@example.test')!;
    const tokenFor = (scope: string) => {
      const code = sb.identity.createAuthorizationCode({
        app,
        mailbox,
        redirectUri: app.redirectUris[0],
        scopes: [scope],
      });
      return sb.identity.redeemAuthorizationCode({
        app,
        code,
        redirectUri: app.redirectUris[0],
        codeVerifier: undefined,
        clientInfo: false,
        issuer: sb.url,
      }).access_token;
    };
    const ews = tokenFor('https://outlook.office365.com/EWS.AccessAsUser.All');
    const answer = await ada.call(GET_INBOX, { authorization: `Bearer ${ews}` });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(sb.store.distinguishedFolder(mailbox.id, 'inbox')!.id);
    const graph = tokenFor('Contacts.ReadWrite');
    expect((await ada.call(GET_INBOX, { authorization: `Bearer ${graph}`, record: false })).status).toBe(401);
  });

  it('refuses a Bearer token for another audience or without the EWS permission', async () => {
    const app = sb.store.addApp({
      tenantId: sb.demo!.tenantId,
      displayName: 'Graph only',
      redirectUris: [],
      applicationPermissions: ['Contacts.ReadWrite'],
    });
    const graphToken = sb.identity.clientCredentials(
      app,
      'https://graph.microsoft.com/.default',
      sb.url,
    ).access_token;
    const outlookToken = sb.identity.clientCredentials(
      app,
      'https://outlook.office365.com/.default',
      sb.url,
    ).access_token;
    for (const token of [graphToken, outlookToken, 'not-a-token']) {
      const answer = await ada.call(GET_INBOX, {
        authorization: `Bearer ${token}`,
        impersonate: 'grace@example.test',
        record: false,
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });
});

describe('impersonation', () => {
  const svc = () => new EwsTestClient(sb.url, basic('svc-sync@example.test', PASSWORD), ada.recorder);

  it('lets an account with the ApplicationImpersonation role act as another mailbox', async () => {
    const answer = await svc().call(
      '<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>',
      { impersonate: 'grace@example.test' },
    );
    expect(responseCode(firstMessage(answer))).toBe('NoError');
    const graceCalendar = sb.store.distinguishedFolder(
      sb.store.mailbox('grace@example.test')!.id,
      'calendar',
    )!;
    expect(answer.text).toContain(graceCalendar.id);
  });

  it('refuses impersonation to an account without the role (ErrorImpersonateUserDenied)', async () => {
    const answer = await ada.call(GET_INBOX, { impersonate: 'grace@example.test', record: false });
    expect(answer.status).toBe(500);
    expect(faultCode(answer)).toBe('ErrorImpersonateUserDenied');
  });

  it('answers ErrorNonExistentMailbox for an unknown target', async () => {
    const answer = await svc().call(GET_INBOX, { impersonate: 'nobody@example.test', record: false });
    expect(faultCode(answer)).toBe('ErrorNonExistentMailbox');
  });

  it('checks X-AnchorMailbox names a mailbox', async () => {
    const answer = await ada.call(GET_INBOX, {
      headers: { 'x-anchormailbox': 'ghost@example.test' },
      record: false,
    });
    expect(faultCode(answer)).toBe('ErrorNonExistentMailbox');
    const ok = await ada.call(GET_INBOX, { headers: { 'x-anchormailbox': 'ada@example.test' } });
    expect(ok.status).toBe(200);
  });
});

describe('throttling and injected faults', () => {
  it('answers a throttle fault with ErrorServerBusy carrying BackOffMilliseconds', async () => {
    const rule = sb.faults.add({
      protocol: 'ews',
      operation: 'GetFolder',
      fault: { kind: 'throttle', retryAfterMs: 1234 },
      times: 1,
    });
    const answer = await ada.call(GET_INBOX, { record: false });
    sb.faults.remove(rule.id);
    expect(answer.status).toBe(500);
    expect(faultCode(answer)).toBe('ErrorServerBusy');
    expect(answer.text).toMatch(
      /<t:MessageXml><t:Value Name="BackOffMilliseconds">1234<\/t:Value><\/t:MessageXml>/,
    );
  });

  it('answers a concurrency fault with ErrorExceededConnectionCount', async () => {
    sb.faults.add({ protocol: 'ews', operation: 'GetFolder', fault: { kind: 'concurrency' }, times: 1 });
    expect(faultCode(await ada.call(GET_INBOX, { record: false }))).toBe('ErrorExceededConnectionCount');
  });

  it('answers server errors with HTTP 500 and 503', async () => {
    sb.faults.add({
      protocol: 'ews',
      operation: 'GetFolder',
      fault: { kind: 'serverError', status: 503, retryAfterMs: 2000 },
      times: 1,
    });
    const unavailable = await ada.call(GET_INBOX, { record: false });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('2');
    sb.faults.add({
      protocol: 'ews',
      operation: 'GetFolder',
      fault: { kind: 'serverError', status: 500 },
      times: 1,
    });
    const failed = await ada.call(GET_INBOX, { record: false });
    expect(failed.status).toBe(500);
    expect(faultCode(failed)).toBe('ErrorInternalServerError');
  });

  it('delays on latency and drops the connection mid-response on drop', async () => {
    sb.faults.add({ protocol: 'ews', operation: 'GetFolder', fault: { kind: 'latency', ms: 150 }, times: 1 });
    const started = Date.now();
    expect((await ada.call(GET_INBOX)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sb.faults.add({ protocol: 'ews', operation: 'GetFolder', fault: { kind: 'drop' }, times: 1 });
    await expect(ada.call(GET_INBOX, { record: false })).rejects.toThrow();
    expect((await ada.call(GET_INBOX)).status).toBe(200);
  });

  it('enforces EWSMaxConcurrency per account with ErrorExceededConnectionCount', async () => {
    // Every request must still be in flight when the last one arrives: on a loaded machine the
    // thirty are sent over more than a second, so each is held long enough to overlap them all.
    sb.faults.add({
      protocol: 'ews',
      operation: 'GetFolder',
      fault: { kind: 'latency', ms: 3_000 },
      times: 30,
    });
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => ada.call(GET_INBOX, { record: false })),
    );
    const refused = answers.filter((a) => faultCode(a) === 'ErrorExceededConnectionCount');
    expect(answers.filter((a) => a.status === 200)).toHaveLength(27);
    expect(refused).toHaveLength(3);
    // Another account has its own budget.
    const grace = new EwsTestClient(sb.url, basic('grace@example.test', PASSWORD), ada.recorder);
    expect((await grace.call(GET_INBOX)).status).toBe(200);
  });
});

describe('service description', () => {
  it('answers GET /EWS/Exchange.asmx like Exchange and serves Services.wsdl', async () => {
    const anonymous = await fetch(`${sb.url}/EWS/Exchange.asmx`);
    expect(anonymous.status).toBe(401);
    const page = await fetch(`${sb.url}/EWS/Exchange.asmx`, {
      headers: { authorization: basic('ada@example.test', PASSWORD) },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You have created a service');
    const wsdl = await fetch(`${sb.url}/EWS/Services.wsdl`);
    expect(wsdl.status).toBe(200);
    expect(await wsdl.text()).toContain('wsdl:definitions');
  });
});

describe('Autodiscover', () => {
  it('POX autodiscover.xml returns the EWS URL for a sandbox address and an error for others', async () => {
    const ask = (address: string) =>
      fetch(`${sb.url}/autodiscover/autodiscover.xml`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', authorization: basic('ada@example.test', PASSWORD) },
        body:
          '<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
          `<Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`,
      }).then((r) => r.text());
    expect(await ask('grace@example.test')).toContain(`<EwsUrl>${sb.url}/EWS/Exchange.asmx</EwsUrl>`);
    expect(await ask('nobody@elsewhere.test')).toContain('<ErrorCode>500</ErrorCode>');
  });

  it('SOAP autodiscover.svc GetUserSettings returns ExternalEwsUrl and InternalEwsUrl', async () => {
    const body =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:wsa="http://www.w3.org/2005/08/addressing">' +
      '<soap:Header><a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion><wsa:Action>http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings</wsa:Action></soap:Header>' +
      '<soap:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users><a:User><a:Mailbox>ada@example.test</a:Mailbox></a:User><a:User><a:Mailbox>x@nowhere.test</a:Mailbox></a:User></a:Users>' +
      '<a:RequestedSettings><a:Setting>ExternalEwsUrl</a:Setting><a:Setting>InternalEwsUrl</a:Setting></a:RequestedSettings></a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>';
    const text = await fetch(`${sb.url}/autodiscover/autodiscover.svc`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body,
    }).then((r) => r.text());
    expect(text).toContain(`<Name>ExternalEwsUrl</Name><Value>${sb.url}/EWS/Exchange.asmx</Value>`);
    expect(text).toContain(`<Name>InternalEwsUrl</Name>`);
    expect(text).toContain('<ErrorCode>InvalidUser</ErrorCode>');
  });

  it('JSON autodiscover v1.0 returns the EWS URL', async () => {
    const ok = await fetch(`${sb.url}/autodiscover/autodiscover.json/v1.0/ada@example.test?Protocol=EWS`);
    expect(await ok.json()).toEqual({ Protocol: 'EWS', Url: `${sb.url}/EWS/Exchange.asmx` });
    const unknown = await fetch(`${sb.url}/autodiscover/autodiscover.json/v1.0/x@nowhere.test?Protocol=EWS`);
    expect(unknown.status).toBe(404);
  });
});
