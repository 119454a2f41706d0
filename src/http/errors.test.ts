import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CrmError } from '../crm/errors.ts';
import { ApiError, describeError } from './errors.ts';

describe('describeError', () => {
  it('maps CRM error codes to HTTP statuses, keeping message and details', () => {
    const cases = [
      ['not_found', 404],
      ['forbidden', 403],
      ['validation_failed', 422],
      ['conflict', 409],
      ['invalid_reference', 422],
    ] as const;
    for (const [code, status] of cases) {
      const described = describeError(new CrmError(code, 'm', [{ path: 'a', message: 'b' }]), 1024);
      expect(described).toMatchObject({ status, code, message: 'm', details: [{ path: 'a', message: 'b' }] });
    }
  });

  it('names each field of a zod error', () => {
    const result = z.strictObject({ emails: z.array(z.strictObject({ address: z.email() })) }).safeParse({
      emails: [{ address: 'x' }],
      extra: 1,
    });
    const described = describeError(result.error, 1024);
    expect(described.status).toBe(422);
    expect(described.details?.map((d) => d.path).sort()).toEqual(['emails.0.address', 'extra']);
  });

  it('hides the message of unexpected errors', () => {
    const described = describeError(new Error('connection string postgres://user:secret@db'), 1024);
    expect(described).toMatchObject({ status: 500, code: 'internal_error' });
    expect(described.message).not.toContain('secret');
  });

  it('passes ApiError through with its headers', () => {
    const described = describeError(
      new ApiError(429, 'too_many_attempts', 'wait', { headers: { 'retry-after': '5' } }),
      1024,
    );
    expect(described).toMatchObject({ status: 429, headers: { 'retry-after': '5' } });
  });
});
