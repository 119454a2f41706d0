import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Account } from '../../crm/accounts.ts';
import type { Contact } from '../../crm/contacts.ts';
import { fingerprint } from '../snapshot.ts';
import { chooseAccount } from './accounts.ts';
import {
  type ContactSyncOptions,
  canonicalPhone,
  contactCreate,
  contactPatch,
  DEFAULT_CONTACT_OPTIONS,
  itemOfSnapshot,
  projectContact,
  snapshotOfItem,
} from './mapping.ts';

const options: ContactSyncOptions = DEFAULT_CONTACT_OPTIONS;

function contact(over: Partial<Contact> = {}): Contact {
  return {
    id: 'c1',
    ownerId: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    type: 'customer',
    accountId: null,
    companyName: 'Acme',
    namePrefix: null,
    givenName: 'Ada',
    middleName: null,
    familyName: 'Lovelace',
    nameSuffix: null,
    displayName: 'Ada Lovelace',
    nickname: null,
    jobTitle: null,
    department: null,
    birthday: null,
    notes: 'n',
    emails: [],
    phones: [],
    addresses: [],
    websites: [],
    categories: [],
    groupIds: [],
    groups: [],
    ...over,
  } as Contact;
}

/** The CRM record the sync would create from a snapshot, as the repository returns it. */
function asRecord(input: Record<string, unknown>): Contact {
  return contact({
    companyName: null,
    givenName: null,
    familyName: null,
    notes: null,
    ...(input as Partial<Contact>),
  });
}

describe('B4 limits', () => {
  it('keeps three emails, one website, fills phone slots and lists the rest with reasons', () => {
    const { snapshot, notExported } = projectContact(
      contact({
        emails: ['a', 'b', 'c', 'd'].map((x) => ({ type: 'work' as const, address: `${x}@x.test` })),
        phones: [
          { type: 'work', number: '030 1111111' },
          { type: 'work', number: '030 2222222' },
          { type: 'work', number: '030 3333333' },
          { type: 'mobile', number: '0171 1234567' },
          { type: 'mobile', number: '0171 7654321' },
        ],
        addresses: [
          { type: 'work', city: 'Berlin' },
          { type: 'work', city: 'Hamburg' },
        ],
        websites: [
          { type: 'work', url: 'https://a.test' },
          { type: 'other', url: 'https://b.test' },
        ],
      }),
      options,
    );
    expect(snapshot.emails).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(snapshot.phones).toEqual({
      business: '+49 30 1111111',
      business2: '+49 30 2222222',
      mobile: '+49 171 1234567',
    });
    expect(snapshot.addresses).toEqual({
      business: { street: null, city: 'Berlin', state: null, postalCode: null, country: null },
    });
    expect(snapshot.website).toBe('https://a.test');
    expect(notExported.map((n) => [n.field, n.value])).toEqual([
      ['emails', 'd@x.test'],
      ['phones', '030 3333333'],
      ['phones', '0171 7654321'],
      ['addresses', { type: 'work', city: 'Hamburg' }],
      ['websites', 'https://b.test'],
    ]);
    expect(notExported.every((n) => n.reason.length > 10)).toBe(true);
  });

  it('writes phone numbers in international form with the default country', () => {
    expect(canonicalPhone('030 1234567', 'DE')).toBe('+49 30 1234567');
    expect(canonicalPhone('(0)20 7946 0958', 'GB')).toBe('+44 20 7946 0958');
    expect(canonicalPhone('+33 1 23 45 67 89', 'DE')).toBe('+33 1 23 45 67 89');
    expect(canonicalPhone('ext. 12', 'DE')).toBe('ext. 12');
  });

  it('never gives a number a prefix its country does not use, and reads one in no country when none is known', () => {
    expect(canonicalPhone('07700 900123', 'GB')).toBe('+44 7700 900123');
    expect(canonicalPhone('030 1234567', 'US')).toBe('030 1234567');
    expect(canonicalPhone('07700 900123', null)).toBe('07700 900123');
    expect(canonicalPhone('+44 7700 900123', null)).toBe('+44 7700 900123');
  });

  it("takes the country from the contact's address first, the mailbox's or organisation's next", () => {
    const uk = contact({
      phones: [{ type: 'mobile', number: '07700 900123' }],
      addresses: [
        { type: 'home', city: 'London', country: 'United Kingdom' },
        { type: 'other', city: 'Paris', country: 'FR' },
      ],
    });
    expect(projectContact(uk, { ...options, defaultCountry: 'DE' }).snapshot.phones).toEqual({
      mobile: '+44 7700 900123',
    });
    const nowhere = contact({ phones: [{ type: 'mobile', number: '07700 900123' }] });
    expect(projectContact(nowhere, { ...options, defaultCountry: 'GB' }).snapshot.phones).toEqual({
      mobile: '+44 7700 900123',
    });
    const unknown = projectContact(nowhere, { ...options, defaultCountry: null });
    expect(unknown.snapshot.phones).toEqual({ mobile: '07700 900123' });
    expect(unknown.notExported).toEqual([
      { field: 'phones', value: '07700 900123', reason: expect.stringMatching(/as entered/) },
    ]);
    // Exchange's side reads the number with its own addresses alike, so the two agree.
    const item = snapshotOfItem(
      {
        emails: [],
        phones: [{ type: 'mobile', number: '07700 900123' }],
        addresses: [{ type: 'home', city: 'London', countryOrRegion: 'Vereinigtes Königreich' }],
        categories: [],
      },
      { ...options, defaultCountry: 'DE' },
    );
    expect(item.phones).toEqual({ mobile: '+44 7700 900123' });
  });

  it('leaves notes out when notes sync is off, and keeps Exchange notes on write', () => {
    const off = { ...options, syncNotes: false };
    const { snapshot, notExported } = projectContact(contact({ notes: 'secret' }), off);
    expect(snapshot).not.toHaveProperty('notes');
    expect(notExported).toEqual([expect.objectContaining({ field: 'notes' })]);
    const item = itemOfSnapshot(snapshot, off, {
      emails: [],
      phones: [],
      addresses: [],
      categories: [],
      notes: 'kept',
    });
    expect(item.notes).toBe('kept');
  });

  it('an import patch keeps what never went to Exchange', () => {
    const current = contact({
      emails: ['a', 'b', 'c', 'd'].map((x) => ({ type: 'home' as const, address: `${x}@x.test` })),
      phones: [
        { type: 'mobile', number: '0171 1' },
        { type: 'mobile', number: '0171 2' },
      ],
      websites: [
        { type: 'work', url: 'https://a.test' },
        { type: 'other', url: 'https://b.test' },
      ],
    });
    const patch = contactPatch(
      { emails: ['b@x.test', 'z@x.test'], phones: { mobile: '+49 171 9' }, website: null },
      current,
      options,
    );
    expect(patch.emails).toEqual([
      { type: 'home', address: 'b@x.test' },
      { type: 'work', address: 'z@x.test' },
      { type: 'home', address: 'd@x.test' },
    ]);
    expect(patch.phones).toEqual([
      { type: 'mobile', number: '+49 171 9' },
      { type: 'mobile', number: '0171 2' },
    ]);
    expect(patch.websites).toEqual([{ type: 'other', url: 'https://b.test' }]);
  });
});

describe('round trips', () => {
  const text = fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}[A-Za-z]$/), { nil: undefined });
  const neutral = fc.record({
    givenName: text,
    middleName: text,
    surname: text,
    companyName: text,
    jobTitle: text,
    department: text,
    emails: fc
      .uniqueArray(fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.test$/), { maxLength: 3 })
      .map((a) => a.map((address) => ({ address }))),
    phones: fc
      .subarray(['business', 'business2', 'home', 'mobile', 'businessFax', 'other'] as const)
      .chain((types) =>
        fc.tuple(
          ...types.map((t) =>
            fc.integer({ min: 1000000, max: 9999999 }).map((n) => ({ type: t, number: `+49 30 ${n}` })),
          ),
        ),
      ),
    addresses: fc
      .subarray(['business', 'home', 'other'] as const)
      .map((kinds) => kinds.map((type) => ({ type, city: `City ${type}` }))),
    website: fc.option(fc.constant('https://x.test'), { nil: undefined }),
    notes: text,
    categories: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{1,6}$/), { maxLength: 3 }),
  });

  it('Exchange item → CRM record → projection gives the same snapshot (what adoption relies on)', () => {
    fc.assert(
      fc.property(neutral, (item) => {
        const snapshot = snapshotOfItem(item, options);
        const record = asRecord(contactCreate(snapshot, options, 'contacts'));
        const back = projectContact(record, options).snapshot;
        expect(fingerprint(back)).toBe(fingerprint(snapshot));
        // …and the item written from it reads back the same.
        expect(fingerprint(snapshotOfItem(itemOfSnapshot(snapshot, options), options))).toBe(
          fingerprint(snapshot),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('B2: linking imported contacts to accounts', () => {
  const acc = (id: string) => ({ id, name: 'Acme' }) as Account;
  it.each([
    ['no account of that name', [], [], { linked: false, reason: 'no_account' }],
    ['exactly one, visible', [acc('a')], [acc('a')], { linked: true, accountId: 'a' }],
    [
      'exactly one, not visible to the importing user',
      [acc('a')],
      [],
      { linked: false, reason: 'not_accessible' },
    ],
    ['several, user sees none', [acc('a'), acc('b')], [], { linked: false, reason: 'ambiguous' }],
    [
      'several, user sees exactly one',
      [acc('a'), acc('b'), acc('c')],
      [acc('b')],
      { linked: true, accountId: 'b' },
    ],
    [
      'several, user sees two',
      [acc('a'), acc('b'), acc('c')],
      [acc('a'), acc('c')],
      { linked: false, reason: 'ambiguous' },
    ],
    [
      'several, user sees all',
      [acc('a'), acc('b')],
      [acc('a'), acc('b')],
      { linked: false, reason: 'ambiguous' },
    ],
  ])('%s', (_name, all, visible, expected) => {
    expect(chooseAccount({ all, visible })).toEqual(expected);
  });
});
