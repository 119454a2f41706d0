import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { activityCreateSchema } from './activities.ts';
import { contactCreateSchema, contactUpdateSchema } from './contacts.ts';
import { compiledSchema } from './record-checks.ts';

const valid = {
  type: 'employee',
  givenName: '  Maria ',
  familyName: 'Schmidt',
  birthday: '1980-02-29',
  emails: [{ type: 'work', address: 'maria@contoso.test' }],
  phones: [{ type: 'mobile', number: ' +49 170 1234567 ' }],
  addresses: [{ type: 'home', street: 'Nebenweg 2', city: null, postalCode: '14467' }],
  categories: ['VIP'],
  groupIds: ['g1'],
};

describe('compiled schemas', () => {
  it('parse valid input as the schema does, trimmed and in the same key order', () => {
    const compiled = compiledSchema(contactCreateSchema);
    expect(compiled).not.toBe(contactCreateSchema);
    expect(compiledSchema(contactCreateSchema)).toBe(compiled);
    const expected = contactCreateSchema.parse(valid);
    const parsed = compiled.parse(valid);
    expect(parsed).toEqual(expected);
    expect(Object.keys(parsed)).toEqual(Object.keys(expected));
    expect(parsed.givenName).toBe('Maria');
    expect(parsed).not.toBe(valid);
  });

  it('report the same issues as the schema for invalid input', () => {
    const cases: Array<[z.ZodType, unknown]> = [
      [contactCreateSchema, { ...valid, givenName: 'a\u0001b' }],
      [contactCreateSchema, { ...valid, emails: [{ type: 'work', address: 'nope' }] }],
      [contactCreateSchema, { ...valid, type: 'friend', extra: 1 }],
      [contactCreateSchema, { ...valid, birthday: '1981-02-29', categories: ['x'.repeat(257)] }],
      [contactCreateSchema, 'not an object'],
      [contactUpdateSchema, { ifVersion: -1, phones: [{ type: 'mobile', number: '' }] }],
      [activityCreateSchema, { kind: 'meeting', start: 'tomorrow' }],
    ];
    for (const [schema, input] of cases) {
      const expected = schema.safeParse(input);
      const actual = compiledSchema(schema).safeParse(input);
      expect(expected.success).toBe(false);
      expect(actual.success).toBe(false);
      expect(actual.error?.issues).toEqual(expected.error?.issues);
    }
  });
});
