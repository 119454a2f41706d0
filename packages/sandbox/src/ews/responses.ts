// Response message framing shared by all operations.

import type { EwsError } from './errors.ts';
import { el, esc } from './xml/write.ts';

export function successMessage(name: string, ...content: string[]): string {
  return `<m:${name} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${content.join('')}</m:${name}>`;
}

export function warningMessage(name: string, code: string, text: string, ...content: string[]): string {
  return (
    `<m:${name} ResponseClass="Warning"><m:MessageText>${esc(text)}</m:MessageText>` +
    `<m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${content.join('')}</m:${name}>`
  );
}

/** `required` is what the schema insists on even in an error (e.g. `<m:Items/>`). */
export function errorMessage(name: string, error: EwsError, required = ''): string {
  return (
    `<m:${name} ResponseClass="Error"><m:MessageText>${esc(error.message)}</m:MessageText>` +
    `<m:ResponseCode>${error.code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
    (error.messageXml ? `<m:MessageXml>${error.messageXml}</m:MessageXml>` : '') +
    `${required}</m:${name}>`
  );
}

export function operationResponse(operation: string, messages: string[]): string {
  return el(`m:${operation}Response`, null, el('m:ResponseMessages', null, ...messages));
}
