import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactData, Item } from '../../model.ts';
import { GraphError } from '../errors.ts';
import { contactDataFromGraph, contactPatchFromGraph, contactToGraph } from './contact.ts';

const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.length > 0);
const address = fc.record({ street: text, city: text, postalCode: text }, { requiredKeys: ['city'] });
const contactData: fc.Arbitrary<ContactData> = fc.record({
  givenName: fc.option(text, { nil: undefined }),
  surname: fc.option(text, { nil: undefined }),
  displayName: text,
  companyName: fc.option(text, { nil: undefined }),
  jobTitle: fc.option(text, { nil: undefined }),
  emailAddresses: fc.array(fc.record({ address: fc.emailAddress(), name: text }), { maxLength: 3 }),
  phones: fc.record(
    { BusinessPhone: text, BusinessPhone2: text, HomePhone: text, MobilePhone: text },
    { requiredKeys: [] },
  ),
  addresses: fc.record({ Business: address, Home: address }, { requiredKeys: [] }),
  birthday: fc.option(
    fc
      .date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    { nil: undefined },
  ),
  notes: fc.option(text, { nil: undefined }),
  categories: fc.array(text, { maxLength: 3 }),
});

function item(data: ContactData): Item<'contact'> {
  return {
    id: 'AAMkAid',
    changeKey: 'CQAAAB',
    folderId: 'AAMkAfolder',
    kind: 'contact',
    createdDateTime: '2026-01-01T00:00:00.000Z',
    lastModifiedDateTime: '2026-01-01T00:00:00.000Z',
    data,
  };
}

function withoutUndefined<T extends object>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

describe('contact mapper', () => {
  it('round-trips every contact Graph can represent', () => {
    fc.assert(
      fc.property(contactData, (data) => {
        const json = contactToGraph(item(data));
        // Only what a client may send back (read-only properties are ignored by the mapper).
        const back = contactDataFromGraph(json);
        // A second BusinessPhone slot without the first collapses into the first, as on Graph.
        const phones = data.phones;
        const expectedPhones: ContactData['phones'] = {};
        const business = [phones.BusinessPhone, phones.BusinessPhone2].filter(Boolean) as string[];
        if (business[0]) expectedPhones.BusinessPhone = business[0];
        if (business[1]) expectedPhones.BusinessPhone2 = business[1];
        if (phones.HomePhone) expectedPhones.HomePhone = phones.HomePhone;
        if (phones.MobilePhone) expectedPhones.MobilePhone = phones.MobilePhone;
        expect(withoutUndefined(back)).toEqual(withoutUndefined({ ...data, phones: expectedPhones }));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps phone slots Graph does not show when patching businessPhones', () => {
    const current: ContactData = {
      emailAddresses: [],
      phones: { BusinessFax: '+49 1', BusinessPhone: '+49 2' },
      addresses: {},
      categories: [],
    };
    expect(contactPatchFromGraph({ businessPhones: ['+1 3'] }, current).phones).toEqual({
      BusinessFax: '+49 1',
      BusinessPhone: '+1 3',
    });
  });

  it('clears a property sent as null and leaves absent ones alone', () => {
    const patch = contactPatchFromGraph({ jobTitle: null });
    expect('jobTitle' in patch && patch.jobTitle === undefined).toBe(true);
    expect('givenName' in patch).toBe(false);
  });

  it("refuses more than 3 email addresses and 2 business phones with Microsoft's message", () => {
    const emails = Array.from({ length: 4 }, (_, i) => ({ address: `a${i}@example.test` }));
    expect(() => contactPatchFromGraph({ emailAddresses: emails })).toThrowError(
      'The multi value property EmailAddresses has 4 entries, that exceeds the max allowed value of 3',
    );
    try {
      contactPatchFromGraph({ businessPhones: ['1', '2', '3'] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GraphError);
      expect((e as GraphError).status).toBe(400);
      expect((e as GraphError).message).toBe(
        'The multi value property BusinessPhones has 3 entries, that exceeds the max allowed value of 2',
      );
    }
  });

  it('rejects properties microsoft.graph.contact does not define', () => {
    expect(() => contactPatchFromGraph({ favouriteColour: 'blue' })).toThrowError(
      /does not exist on type 'microsoft.graph.contact'/,
    );
  });
});
