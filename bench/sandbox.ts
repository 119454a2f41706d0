// `npm run bench:sandbox`: how fast the sandbox serves a large mailbox, so that it is never
// what limits a benchmark of Exsync. The sandbox runs in a child process of its own (one core);
// this process is the client. One mailbox with N contacts (default 100,000) is read to the end
// twice: over EWS (SyncFolderItems IdOnly, 512 per call, then GetItem in batches of 100 with
// AllProperties) and over Graph (contacts delta, 1,000 per page). The client keeps its own work
// small (it counts items instead of parsing them) so that the figures are the sandbox's.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CLIENT_SECRET, DEMO_PASSWORD, LOAD_CLIENT_ID, LOAD_TENANT_ID } from '@exsync/sandbox/seed';
import { XMLParser } from 'fast-xml-parser';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    'get-batch': { type: 'string', default: '100' },
    'page-size': { type: 'string', default: '1000' },
    /** Writes a CPU profile of the sandbox process to this folder. */
    profile: { type: 'string' },
  },
});
const count = Number(values.contacts);
const getBatch = Number(values['get-batch']);
const pageSize = Number(values['page-size']);

/** Resident and peak resident memory of a process, in MiB (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) };
}

let t = performance.now();
const child = spawn(
  process.execPath,
  [
    ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
    join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'),
    'sandbox',
    '--port',
    '0',
    '--seed',
    'none',
    '--generate',
    `contacts=${count},mailboxes=1,seed=1`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const baseUrl = await new Promise<string>((resolve, reject) => {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /HTTP:\s+(http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]);
  });
  child.once('exit', (code) =>
    reject(new Error(`the sandbox exited (${code}) before it was ready:\n${output}`)),
  );
});
const generateSeconds = (performance.now() - t) / 1000;
const rssWithData = memoryOf(child.pid!).rss;
const address = 'user0001@load.test';

const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
const basic = `Basic ${Buffer.from(`${address}:${DEMO_PASSWORD}`).toString('base64')}`;

function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

async function ews(body: string): Promise<Record<string, unknown>> {
  return xml.parse(await ewsText(body)).Envelope.Body;
}

async function ewsText(body: string): Promise<string> {
  const response = await fetch(`${baseUrl}/EWS/Exchange.asmx`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', authorization: basic },
    body: `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
<soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`EWS answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
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
    const got = await ewsText(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds>${slice
        .map((id) => `<t:ItemId Id="${id}"/>`)
        .join('')}</m:ItemIds></m:GetItem>`,
    );
    requests++;
    fetched += countOccurrences(got, '<m:GetItemResponseMessage ResponseClass="Success"');
  }
  if (String(message.IncludesLastItemInRange) === 'true') break;
}
const ewsSeconds = (performance.now() - t) / 1000;
if (fetched !== count) throw new Error(`EWS returned ${fetched} contacts, expected ${count}`);

// Graph
const tokenResponse = await fetch(`${baseUrl}/${LOAD_TENANT_ID}/oauth2/v2.0/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: LOAD_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    scope: 'https://graph.microsoft.com/.default',
  }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
let graphRequests = 0;
let graphItems = 0;
t = performance.now();
let next: string | undefined = `${baseUrl}/v1.0/users/${address}/contacts/delta`;
while (next) {
  const response: Response = await fetch(next, {
    headers: { authorization: `Bearer ${token}`, prefer: `odata.maxpagesize=${pageSize}` },
  });
  graphRequests++;
  if (!response.ok) throw new Error(`Graph answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  graphItems += countOccurrences(text, '"@odata.etag"');
  next = /"@odata\.nextLink":"([^"]+)"/.exec(text)?.[1];
}
const graphSeconds = (performance.now() - t) / 1000;
if (graphItems < count) throw new Error(`Graph delta returned ${graphItems} contacts, expected ${count}`);

const memory = memoryOf(child.pid!);
child.kill('SIGTERM');
const result = {
  contacts: count,
  generateSeconds: Number(generateSeconds.toFixed(2)),
  ewsItemsPerSecond: Math.round(count / ewsSeconds),
  ewsRequests: requests,
  ewsSeconds: Number(ewsSeconds.toFixed(2)),
  graphItemsPerSecond: Math.round(graphItems / graphSeconds),
  graphRequests,
  graphSeconds: Number(graphSeconds.toFixed(2)),
  sandboxRssWithDataMiB: rssWithData,
  sandboxPeakRssMiB: memory.peak,
};
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.table([result]);
console.log(JSON.stringify(result));
