// What clients written against Exchange, not against the sandbox, rely on: every version the
// schema lists, paths in any case, all default folders, DeleteItem without change-key checks,
// and the Autodiscover settings clients ask for.

import type { Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import {
  basic,
  descendant,
  type EwsTestClient,
  faultCode,
  firstMessage,
  responseCode,
} from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;
const PASSWORD = 'Passw0rd!';

ewsSandboxForFile((started) => {
  ({ sb, ews, ada } = started);
});

const getInbox =
  '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';

describe('RequestServerVersion', () => {
  const schemaVersions = [
    'Exchange2007',
    'Exchange2007_SP1',
    'Exchange2009',
    'Exchange2010',
    'Exchange2010_SP1',
    'Exchange2010_SP2',
    'Exchange2012',
    'Exchange2013',
    'Exchange2013_SP1',
    'Exchange2015',
    'Exchange2016',
    'V2015_10_05',
    'V2017_07_11',
    'V2018_01_08',
  ];

  it.each(schemaVersions)(
    'MS-OXWSCDATA_R1456, MS-OXWSCDATA_R1457, MS-OXWSCDATA_R1458, MS-OXWSCDATA_R1459, MS-OXWSCDATA_R1460, MS-OXWSCDATA_R368005, MS-OXWSCDATA_R368006, MS-OXWSCDATA_R368007, MS-OXWSCDATA_R368008, MS-OXWSCDATA_R368009, MS-OXWSCDATA_R368010, MS-OXWSCDATA_R368011, MS-OXWSCDATA_R368012, MS-OXWSCDATA_R368013, MS-OXWSCDATA_R368014: accepts %s and answers with the server’s ServerVersionInfo',
    async (version) => {
      const answer = await ews.call(getInbox, { version });
      expect(answer.status).toBe(200);
      expect(responseCode(firstMessage(answer))).toBe('NoError');
      const info = /<h:ServerVersionInfo [^>]*>/.exec(answer.text)?.[0] ?? '';
      expect(info).toMatch(/MajorVersion="15"/);
      expect(info).toMatch(/MinorVersion="\d+"/);
      expect(info).toMatch(/MajorBuildNumber="\d+"/);
      expect(info).toMatch(/MinorBuildNumber="\d+"/);
      expect(info).toMatch(/Version="V2018_01_08"/);
    },
  );

  it('refuses a version the schema does not list with ErrorInvalidServerVersion', async () => {
    const answer = await ews.call(getInbox, { version: 'Exchange2003', record: false });
    expect(answer.status).toBe(500);
    expect(faultCode(answer)).toBe('ErrorInvalidServerVersion');
  });
});

describe('paths', () => {
  it('answers EWS, the WSDL and Autodiscover whatever the case of the path', async () => {
    for (const path of ['/ews/exchange.asmx', '/EWS/EXCHANGE.ASMX', '/Ews/Exchange.asmx']) {
      const res = await fetch(`${sb.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          authorization: basic('ada@example.test', PASSWORD),
        },
        body: (await import('../support/ews-soap.ts')).soapEnvelope(getInbox),
      });
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('GetFolderResponse');
    }
    for (const path of ['/ews/services.wsdl', '/EWS/SERVICES.WSDL']) {
      expect((await fetch(`${sb.url}${path}`)).status, path).not.toBe(404);
    }
    const json = await fetch(`${sb.url}/AutoDiscover/AutoDiscover.json/V1.0/ada@example.test?Protocol=EWS`);
    expect(await json.json()).toEqual({ Protocol: 'EWS', Url: `${sb.url}/EWS/Exchange.asmx` });
    const svc = await fetch(`${sb.url}/AutoDiscover/AutoDiscover.svc`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<x/>',
    });
    expect(svc.status).toBe(500);
    expect(await svc.text()).toContain('GetUserSettings');
  });
});

describe('default folders', () => {
  const names = [
    'root',
    'msgfolderroot',
    'inbox',
    'sentitems',
    'deleteditems',
    'drafts',
    'outbox',
    'junkemail',
    'contacts',
    'calendar',
    'tasks',
    'notes',
    'journal',
    'conversationhistory',
    'syncissues',
    'conflicts',
    'localfailures',
    'serverfailures',
    'searchfolders',
    'recoverableitemsroot',
    'recoverableitemsdeletions',
    'recoverableitemsversions',
    'recoverableitemspurges',
    'recoverableitemsdiscoveryholds',
    'recipientcache',
    'quickcontacts',
    'imcontactlist',
  ];

  it('MS-OXWSCDATA_R83, MS-OXWSCDATA_R8301, MS-OXWSCDATA_R4000, MS-OXWSFOLD_R62: every default folder of an Exchange mailbox is there by its distinguished id', async () => {
    const answer = await ews.call(
      `<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:FolderIds>${names
        .map((n) => `<t:DistinguishedFolderId Id="${n}"/>`)
        .join('')}</m:FolderIds></m:GetFolder>`,
    );
    const messages = descendant(answer.body, 'ResponseMessages')!.children;
    expect(messages.map(responseCode)).toEqual(names.map(() => 'NoError'));
    const junk = descendant(messages[names.indexOf('junkemail')], 'Folders')!.children[0];
    expect(descendant(junk, 'DisplayName')!.text).toBe('Junk Email');
    expect(descendant(junk, 'FolderClass')!.text).toBe('IPF.Note');
    expect(descendant(junk, 'ParentFolderId')!.attrs.Id).toBe(
      sb.store.distinguishedFolder(ada.id, 'msgfolderroot')!.id,
    );
    const quick = descendant(messages[names.indexOf('quickcontacts')], 'Folders')!.children[0];
    expect(quick.name).toBe('ContactsFolder');
  });

  it('answers a distinguished folder the mailbox does not have (no archive) with ErrorFolderNotFound', async () => {
    const answer = await ews.call(
      '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="archiveinbox"/></m:FolderIds></m:GetFolder>',
    );
    expect(responseCode(firstMessage(answer))).toBe('ErrorFolderNotFound');
  });
});

describe('DeleteItem', () => {
  it('MS-OXWSCORE_R303, MS-OXWSCORE_R217: deletes an item whatever ChangeKey the request carries, as Exchange ignores it', async () => {
    const contacts = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    const item = sb.store.createItem(
      ada.id,
      contacts.id,
      'contact',
      { givenName: 'Stale', emailAddresses: [], phones: {}, addresses: {}, categories: [] },
      'user',
    );
    sb.store.updateItem(ada.id, item.id, { jobTitle: 'Changed after the client read it' }, 'user');
    const answer = await ews.call(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(answer))).toBe('NoError');
    expect(sb.store.item(ada.id, item.id)).toBeUndefined();
  });
});

describe('SOAP Autodiscover', () => {
  const settings = [
    'UserDisplayName',
    'UserDN',
    'UserDeploymentId',
    'MailboxDN',
    'InternalMailboxServer',
    'InternalMailboxServerDN',
    'InternalRpcClientServer',
    'ExternalMailboxServer',
    'ActiveDirectoryServer',
    'CasVersion',
    'EwsSupportedSchemas',
    'InternalEwsUrl',
    'ExternalEwsUrl',
    'ExternalEwsVersion',
    'InternalEcpUrl',
    'ExternalEcpUrl',
    'InternalOABUrl',
    'ExternalOABUrl',
    'MapiHttpEnabled',
    'InternalMapiHttpMailboxServerUrl',
    'ExternalMapiHttpMailboxServerUrl',
    'AutoDiscoverSMTPAddress',
    'InternalWebClientUrls',
    'ExternalWebClientUrls',
    'AlternateMailboxes',
    'GroupingInformation',
  ];

  it('GetUserSettings answers MailboxDN and the other settings clients ask for', async () => {
    const body =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover">' +
      '<soap:Header><a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion></soap:Header>' +
      '<soap:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users><a:User><a:Mailbox>ada@example.test</a:Mailbox></a:User></a:Users>' +
      `<a:RequestedSettings>${settings.map((s) => `<a:Setting>${s}</a:Setting>`).join('')}<a:Setting>NoSuchSetting</a:Setting></a:RequestedSettings></a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>`;
    const text = await fetch(`${sb.url}/autodiscover/autodiscover.svc`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body,
    }).then((r) => r.text());
    for (const s of settings) expect(text, s).toContain(`<Name>${s}</Name>`);
    expect(text).toMatch(
      /<Name>MailboxDN<\/Name><Value>\/o=ExchangeLabs\/ou=Exchange Administrative Group \(FYDIBOHF23SPDLT\)\/cn=Configuration\/cn=Servers\/cn=[^<]+\/cn=Microsoft Private MDB<\/Value>/,
    );
    expect(text).toContain('<SettingName>NoSuchSetting</SettingName>');
    expect(text).toContain(`<Url>${sb.url}/owa/</Url>`);
  });
});
