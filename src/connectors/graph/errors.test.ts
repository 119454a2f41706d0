import { describe, expect, it } from 'vitest';
import { parseGraphError } from './errors.ts';

const err = (code: string, message = 'm') => ({ error: { code, message } });
const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

describe('parseGraphError', () => {
  it.each([
    [401, err('InvalidAuthenticationToken'), undefined, 'needs_sign_in'],
    [400, { error: 'invalid_grant', error_description: 'AADSTS50173' }, undefined, 'needs_sign_in'],
    [403, err('ErrorAccessDenied'), undefined, 'permission_denied'],
    [404, err('ErrorItemNotFound'), undefined, 'not_found'],
    [409, err('ErrorIrresolvableConflict'), undefined, 'conflict'],
    [412, err('PreconditionFailed'), undefined, 'conflict'],
    [410, err('SyncStateNotFound'), undefined, 'resync_needed'],
    [400, err('syncStateNotFound'), undefined, 'resync_needed'],
    [400, err('SYNCSTATENOTFOUND'), undefined, 'resync_needed'],
    [500, err('InternalServerError'), undefined, 'transient'],
    [503, err('ServiceUnavailable'), undefined, 'transient'],
    [400, err('ErrorInvalidRequest'), undefined, 'permanent'],
  ])('%s %j → %s', (status, body, h, code) => {
    expect(parseGraphError({ status, body, header: h }).code).toBe(code);
  });

  it('reads Retry-After on 429 and 503', () => {
    const e429 = parseGraphError({
      status: 429,
      body: err('ApplicationThrottled'),
      header: headers({ 'retry-after': '3' }),
    });
    expect(e429).toMatchObject({ code: 'throttled', retryAfterMs: 3000 });
    const e503 = parseGraphError({ status: 503, body: undefined, header: headers({ 'retry-after': '2' }) });
    expect(e503).toMatchObject({ code: 'throttled', retryAfterMs: 2000 });
  });

  it('bounds the Retry-After a server sends to 15 minutes', () => {
    for (const value of ['999999999', 'Tue, 01 Jan 2058 00:00:00 GMT']) {
      const e = parseGraphError({ status: 429, body: undefined, header: headers({ 'retry-after': value }) });
      expect(e).toMatchObject({ code: 'throttled', retryAfterMs: 15 * 60_000 });
    }
  });
});
