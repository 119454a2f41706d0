// The schema check itself must be able to fail, or the suites that rely on it prove nothing.

import { operationElements, validateEwsBodies } from '@exsync/sandbox/ews/schema-validation';
import { describe, expect, it } from 'vitest';
import { soapEnvelope } from '../support/ews-soap.ts';

describe('EWS schema validation support', () => {
  it('MS-OXWSSYNC_R389: reports a MaxChangesReturned of 600 and a missing required element, accepts a valid body', async () => {
    const [bad] = operationElements(
      soapEnvelope(
        '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="contacts"/></m:SyncFolderId><m:MaxChangesReturned>600</m:MaxChangesReturned></m:SyncFolderItems>',
      ),
    );
    const [missing] = operationElements(soapEnvelope('<m:GetFolder/>'));
    const [good] = operationElements(
      soapEnvelope(
        '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="contacts"/></m:SyncFolderId><m:MaxChangesReturned>512</m:MaxChangesReturned></m:SyncFolderItems>',
      ),
    );
    const errors = await validateEwsBodies([
      { label: 'bad', xml: bad },
      { label: 'missing', xml: missing },
      { label: 'good', xml: good },
    ]);
    expect(errors.some((e) => e.startsWith('bad:') && e.includes('MaxChangesReturned'))).toBe(true);
    expect(errors.some((e) => e.startsWith('missing:') && e.includes('FolderShape'))).toBe(true);
    expect(errors.some((e) => e.startsWith('good:'))).toBe(false);
  });

  it('extracts operation elements with their namespaces, skips faults, and splits streamed envelopes', () => {
    const single = operationElements(
      soapEnvelope(
        '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape></m:GetFolder>',
      ),
    );
    expect(single).toHaveLength(1);
    expect(single[0]).toMatch(/^<m:GetFolder xmlns:soap="[^"]+" xmlns:m="[^"]+" xmlns:t="[^"]+">/);
    expect(
      operationElements(
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>x</faultcode></s:Fault></s:Body></s:Envelope>',
      ),
    ).toEqual([]);
    const chunk = (status: string) =>
      `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><soap11:Body xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/"><m:X xmlns:m="urn:m">${status}</m:X></soap11:Body></Envelope>`;
    expect(operationElements(chunk('OK') + chunk('Closed'))).toHaveLength(2);
  });
});
