// SOAP 1.1 envelopes as Exchange writes them.

import type { EwsFault } from './errors.ts';
import { SERVER_VERSION } from './versions.ts';
import { ENVELOPE_XMLNS, NS } from './xml/namespaces.ts';
import { esc } from './xml/write.ts';

export function serverVersionInfo(): string {
  const v = SERVER_VERSION;
  return (
    `<h:ServerVersionInfo xmlns:h="${NS.t}" MajorVersion="${v.majorVersion}" MinorVersion="${v.minorVersion}" ` +
    `MajorBuildNumber="${v.majorBuildNumber}" MinorBuildNumber="${v.minorBuildNumber}" Version="${v.version}"/>`
  );
}

/** A response envelope around one operation element (whose prefixes `m:`/`t:` are declared here). */
export function envelope(body: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope ${ENVELOPE_XMLNS}>` +
    `<s:Header>${serverVersionInfo()}</s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

export function faultBody(fault: EwsFault): string {
  const faultCode = fault.faultCode.includes(':') ? esc(fault.faultCode) : `a:${esc(fault.faultCode)}`;
  return (
    `<s:Fault><faultcode xmlns:a="${NS.t}">${faultCode}</faultcode>` +
    `<faultstring xml:lang="en-US">${esc(fault.message)}</faultstring>` +
    `<detail><e:ResponseCode xmlns:e="${NS.e}">${fault.code}</e:ResponseCode>` +
    `<e:Message xmlns:e="${NS.e}">${esc(fault.message)}</e:Message>` +
    (fault.messageXml ? `<t:MessageXml>${fault.messageXml}</t:MessageXml>` : '') +
    `</detail></s:Fault>`
  );
}

export function faultEnvelope(fault: EwsFault): string {
  return envelope(faultBody(fault));
}
