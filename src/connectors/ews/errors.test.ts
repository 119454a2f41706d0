import { describe, expect, it } from 'vitest';
import { parseEwsError } from './errors.ts';
import { readSoap } from './soap.ts';
import { parseAnswerTree } from './xml.ts';

const busyFault = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
<faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">busy</e:Message>
<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">2500</t:Value></t:MessageXml>
</detail></s:Fault></s:Body></s:Envelope>`;

describe('parseEwsError', () => {
  it.each([
    ['ErrorInvalidSyncStateData', 'resync_needed'],
    ['ErrorIrresolvableConflict', 'conflict'],
    ['ErrorStaleObject', 'conflict'],
    ['ErrorItemNotFound', 'not_found'],
    ['ErrorImpersonateUserDenied', 'permission_denied'],
    ['ErrorAccessDenied', 'permission_denied'],
    ['ErrorExceededConnectionCount', 'throttled'],
    ['ErrorInvalidPropertySet', 'permanent'],
  ])('%s → %s', (responseCode, code) => {
    expect(parseEwsError({ responseCode }).code).toBe(code);
  });

  it('maps 401 to needs_sign_in and a bare 5xx to transient', () => {
    expect(parseEwsError({ httpStatus: 401 }).code).toBe('needs_sign_in');
    expect(parseEwsError({ httpStatus: 503 }).code).toBe('transient');
  });

  it('reads BackOffMilliseconds from an ErrorServerBusy fault', () => {
    const answer = readSoap(busyFault);
    const error = parseEwsError({
      responseCode: answer.fault!.responseCode,
      messageXml: answer.fault!.detail!.MessageXml as never,
      httpStatus: 500,
    });
    expect(error).toMatchObject({ code: 'throttled', retryAfterMs: 2500 });
  });

  it('bounds the back-off a server asks for to 15 minutes', () => {
    const answer = readSoap(busyFault.replace('>2500<', '>86400000<'));
    const error = parseEwsError({
      responseCode: answer.fault!.responseCode,
      messageXml: answer.fault!.detail!.MessageXml as never,
      httpStatus: 500,
    });
    expect(error).toMatchObject({ code: 'throttled', retryAfterMs: 15 * 60_000 });
  });
});

describe('hostile answers', () => {
  it('refuses document type declarations (no entity is ever expanded)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
    expect(() => parseAnswerTree(xxe)).toThrow(expect.objectContaining({ code: 'invalid_response' }));
  });
  it('turns malformed XML and non-SOAP documents into invalid_response', () => {
    expect(() => readSoap('<a><b></a>')).toThrow(expect.objectContaining({ code: 'invalid_response' }));
    expect(() => readSoap('<html><body>Welcome</body></html>')).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
  });
});
