// `npm run bench:sandbox`: how fast the sandbox serves a large mailbox, so that it is never
// what limits a benchmark of Exsync. One mailbox with N contacts (default 100,000) is read to
// the end twice: over EWS (SyncFolderItems IdOnly, 512 per call, then GetItem in batches of
// 100 with AllProperties) and over Graph (contacts delta, 1,000 per page). Client and sandbox
// share this one process, so the figures are a floor for the sandbox alone.
import { parseArgs } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { DEMO_PASSWORD, LOAD_CLIENT_ID, LOAD_TENANT_ID } from '../src/sandbox/seed/index.ts';
import { startSandbox } from '../src/sandbox/server.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    'get-batch': { type: 'string', default: '100' },
    'page-size': { type: 'string', default: '1000' },
  },
});
const count = Number(values.contacts);
const getBatch = Number(values['get-batch']);
const pageSize = Number(values['page-size']);

const mib = () => Math.round(process.memoryUsage().rss / 2 ** 20);
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

const rssBefore = mib();
let t = performance.now();
const sandbox = await startSandbox({
  port: 0,
  seed: 'none',
  generate: { contacts: count, events: 0, tasks: 0, messages: 0, mailboxes: 1, seed: 1 },
});
const generateSeconds = (performance.now() - t) / 1000;
const rssAfterData = mib();
const address = 'user0001@load.test';

const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
const basic = `Basic ${Buffer.from(`${address}:${DEMO_PASSWORD}`).toString('base64')}`;

async function ews(body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.url}/EWS/Exchange.asmx`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', authorization: basic },
    body: `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
<soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`EWS answered ${response.status}: ${text.slice(0, 500)}`);
  return xml.parse(text).Envelope.Body;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

// EWS
let requests = 0;
let fetched = 0;
t = performance.now();
let syncState = '';
for (;;) {
  const body = await ews(
    `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="contacts"/></m:SyncFolderId>${
      syncState ? `<m:SyncState>${syncState}</m:SyncState>` : ''
    }<m:MaxChangesReturned>512</m:MaxChangesReturned></m:SyncFolderItems>`,
  );
  requests++;
  // biome-ignore lint/suspicious/noExplicitAny: walking a parsed SOAP body
  const message = (body as any).SyncFolderItemsResponse.ResponseMessages.SyncFolderItemsResponseMessage;
  if (message['@_ResponseClass'] !== 'Success')
    throw new Error(`SyncFolderItems failed: ${message.ResponseCode}`);
  syncState = message.SyncState;
  // biome-ignore lint/suspicious/noExplicitAny: walking a parsed SOAP body
  const ids = asArray<any>(message.Changes?.Create).map((c) => c.Contact.ItemId['@_Id'] as string);
  for (let i = 0; i < ids.length; i += getBatch) {
    const slice = ids.slice(i, i + getBatch);
    const got = await ews(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds>${slice
        .map((id) => `<t:ItemId Id="${id}"/>`)
        .join('')}</m:ItemIds></m:GetItem>`,
    );
    requests++;
    // biome-ignore lint/suspicious/noExplicitAny: walking a parsed SOAP body
    fetched += asArray((got as any).GetItemResponse.ResponseMessages.GetItemResponseMessage).length;
  }
  if (String(message.IncludesLastItemInRange) === 'true') break;
}
const ewsSeconds = (performance.now() - t) / 1000;
if (fetched !== count) throw new Error(`EWS returned ${fetched} contacts, expected ${count}`);

// Graph
const tokenResponse = await fetch(`${sandbox.url}/${LOAD_TENANT_ID}/oauth2/v2.0/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: LOAD_CLIENT_ID,
    client_secret: sandbox.store.app(LOAD_CLIENT_ID)!.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
let graphRequests = 0;
let graphItems = 0;
t = performance.now();
let next: string | undefined = `${sandbox.url}/v1.0/users/${address}/contacts/delta`;
while (next) {
  const response: Response = await fetch(next, {
    headers: { authorization: `Bearer ${token}`, prefer: `odata.maxpagesize=${pageSize}` },
  });
  graphRequests++;
  if (!response.ok) throw new Error(`Graph answered ${response.status}: ${await response.text()}`);
  const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
  graphItems += page.value.length;
  next = page['@odata.nextLink'];
}
const graphSeconds = (performance.now() - t) / 1000;
if (graphItems < count) throw new Error(`Graph delta returned ${graphItems} contacts, expected ${count}`);

await sandbox.close();
clearInterval(sampler);
const result = {
  contacts: count,
  generateSeconds: Number(generateSeconds.toFixed(2)),
  ewsItemsPerSecond: Math.round(count / ewsSeconds),
  ewsRequests: requests,
  ewsSeconds: Number(ewsSeconds.toFixed(2)),
  graphItemsPerSecond: Math.round(graphItems / graphSeconds),
  graphRequests,
  graphSeconds: Number(graphSeconds.toFixed(2)),
  rssBeforeMiB: rssBefore,
  rssWithDataMiB: rssAfterData,
  peakRssMiB: Math.round(peak / 2 ** 20),
};
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.table([result]);
console.log(JSON.stringify(result));
