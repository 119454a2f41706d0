// Reads a SOAP request: the operation element and the EWS headers that shape its handling.

import { EwsFault, schemaViolation } from './errors.ts';
import { checkRequestedVersion, type SupportedVersion } from './versions.ts';
import { NS } from './xml/namespaces.ts';
import { childElement, childText, parseRootElement, type XElement, XmlReadError } from './xml/parse.ts';

export interface Impersonation {
  kind: 'PrimarySmtpAddress' | 'SmtpAddress' | 'PrincipalName' | 'SID';
  value: string;
}

export interface EwsEnvelope {
  version: SupportedVersion;
  impersonation?: Impersonation;
  /** Windows zone id from TimeZoneContext. */
  timeZone?: string;
  precision: 'Seconds' | 'Milliseconds';
  operation: XElement;
}

export function readXml(text: string): XElement {
  try {
    return parseRootElement(text);
  } catch (error) {
    if (error instanceof XmlReadError) {
      throw schemaViolation(
        error.code === 'dtdRefused' ? 'DTD is prohibited in this XML document.' : error.message,
        error.line,
        error.column,
      );
    }
    throw error;
  }
}

export function readEnvelope(text: string): EwsEnvelope {
  const root = readXml(text);
  if (root.name !== 'Envelope' || (root.ns !== NS.soap && root.ns !== NS.soap12)) {
    throw schemaViolation(`The root element must be a SOAP Envelope, not {${root.ns}}${root.name}.`);
  }
  const header = childElement(root, 'Header', root.ns);
  const body = childElement(root, 'Body', root.ns);
  if (!body) throw schemaViolation('The SOAP Envelope has no Body.');
  const operations = body.children;
  if (operations.length !== 1)
    throw schemaViolation('The SOAP Body must hold exactly one operation element.');
  const operation = operations[0];
  if (operation.ns !== NS.m) {
    throw schemaViolation(
      `The element {${operation.ns}}${operation.name} is not an EWS operation (namespace ${NS.m}).`,
    );
  }
  const versionEl = childElement(header, 'RequestServerVersion', NS.t);
  if (versionEl && versionEl.attrs.Version === undefined) {
    throw schemaViolation("The required attribute 'Version' is missing on RequestServerVersion.");
  }
  const version = checkRequestedVersion(versionEl?.attrs.Version);
  let impersonation: Impersonation | undefined;
  const sid = childElement(childElement(header, 'ExchangeImpersonation', NS.t), 'ConnectingSID', NS.t);
  if (sid) {
    const id = sid.children[0];
    if (
      !id ||
      !['PrimarySmtpAddress', 'SmtpAddress', 'PrincipalName', 'SID'].includes(id.name) ||
      id.text.trim() === ''
    ) {
      throw new EwsFault(
        'ErrorInvalidExchangeImpersonationHeaderData',
        'ConnectingSID must hold one of PrimarySmtpAddress, SmtpAddress, PrincipalName or SID.',
      );
    }
    impersonation = { kind: id.name as Impersonation['kind'], value: id.text.trim() };
  }
  const timeZone = childElement(childElement(header, 'TimeZoneContext', NS.t), 'TimeZoneDefinition', NS.t)
    ?.attrs.Id;
  const precisionText = childText(header, 'DateTimePrecision', NS.t);
  if (precisionText !== undefined && precisionText !== 'Seconds' && precisionText !== 'Milliseconds') {
    throw schemaViolation(`DateTimePrecision must be Seconds or Milliseconds, not "${precisionText}".`);
  }
  return {
    version,
    impersonation,
    timeZone,
    precision: precisionText === 'Milliseconds' ? 'Milliseconds' : 'Seconds',
    operation,
  };
}
