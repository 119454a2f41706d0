// CRM contact ⇄ snapshot ⇄ Exchange contact (B4, B5). The snapshot is the contact as Exchange
// can hold it: three emails, fixed phone slots, one address per kind, one website, notes only
// when notes sync is on. What does not fit is listed (projectContact's notExported) and kept in
// the CRM when Exchange's side is written back (contactPatch). docs/mapping.md has the table.
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { NeutralContact, Phone, PhoneType, PostalAddress } from '../../connectors/types.ts';
import type { Contact } from '../../crm/contacts.ts';
import type { PHONE_TYPES } from '../../crm/fields.ts';
import type { NotExported, Projection, Snapshot } from '../types.ts';
import { countryOf } from './countries.ts';

export interface ContactSyncOptions {
  /** B3: every accessible contact, or the chosen types and groups. Tagged contacts always go. */
  export: { all: true } | { all: false; types: Array<'employee' | 'customer' | 'other'>; groupIds: string[] };
  /** B4: notes sync can be switched off per mailbox. */
  syncNotes: boolean;
  /**
   * Country for numbers written without a country code when the contact's address names none
   * (ISO 3166 alpha-2): the mailbox's setting, else the organisation's. Null: such numbers are
   * written as entered and listed, never given a prefix that may be wrong.
   */
  defaultCountry: CountryCode | null;
  /**
   * The phone slots the mailbox's contacts can hold, when not all of them (set per run by
   * `contactsEntity.forProtocol`: a Graph contact has no fax, pager, … property). Numbers of
   * the other types stay in the CRM, listed as not exported and kept on import (B4).
   */
  phoneSlots?: readonly PhoneType[];
  /** The type an imported contact gets (see importedType). */
  importType: ImportTypeMapping;
}

export type ContactType = Contact['type'];

/**
 * Which CRM type a contact imported from Exchange gets: the type of the first of its categories
 * named here (any case), else of the folder it was found in (folder ids as the folder listing
 * gives them, `contacts` for the default folder), else `default`. Contacts Exchange already
 * holds are imported the same way; a type changed in the CRM later is never overwritten.
 */
export interface ImportTypeMapping {
  categories: Record<string, ContactType>;
  folders: Record<string, ContactType>;
  default: ContactType;
}

/** Nothing says what a contact of someone's mailbox is: it is not taken for a customer. */
export const DEFAULT_IMPORT_TYPE: ImportTypeMapping = { categories: {}, folders: {}, default: 'other' };

export function importedType(
  mapping: ImportTypeMapping,
  categories: readonly string[],
  folderId: string,
): ContactType {
  const byCategory = new Map(Object.entries(mapping.categories).map(([c, t]) => [c.toLowerCase(), t]));
  for (const category of categories) {
    const type = byCategory.get(category.toLowerCase());
    if (type) return type;
  }
  return mapping.folders[folderId] ?? mapping.default;
}

/** What decides where a phone number goes and how it is written. */
export type PhoneOptions = Pick<ContactSyncOptions, 'defaultCountry' | 'phoneSlots'>;

export const DEFAULT_CONTACT_OPTIONS: ContactSyncOptions = {
  export: { all: true },
  syncNotes: true,
  defaultCountry: 'DE',
  importType: DEFAULT_IMPORT_TYPE,
};

export const MAX_EMAILS = 3;

type CrmPhoneType = (typeof PHONE_TYPES)[number];
type CrmEmail = Contact['emails'][number];
type CrmPhone = Contact['phones'][number];
type CrmAddress = Contact['addresses'][number];
type CrmWebsite = Contact['websites'][number];

/** Exchange slots a CRM phone type may take, in order of preference. */
const SLOTS_FOR: Record<CrmPhoneType, PhoneType[]> = {
  work: ['business', 'business2'],
  work2: ['business2', 'business'],
  home: ['home', 'home2'],
  home2: ['home2', 'home'],
  mobile: ['mobile'],
  fax_work: ['businessFax'],
  fax_home: ['homeFax'],
  assistant: ['assistant'],
  company: ['companyMain'],
  pager: ['pager'],
  car: ['car'],
  other: ['other'],
};

/** The CRM type of an Exchange slot; slots the CRM has no type for are not synced. */
const TYPE_OF_SLOT: Partial<Record<PhoneType, CrmPhoneType>> = {
  business: 'work',
  business2: 'work2',
  home: 'home',
  home2: 'home2',
  mobile: 'mobile',
  businessFax: 'fax_work',
  homeFax: 'fax_home',
  assistant: 'assistant',
  companyMain: 'company',
  pager: 'pager',
  car: 'car',
  other: 'other',
};

const ADDRESS_KIND = { work: 'business', home: 'home', other: 'other' } as const;
const CRM_ADDRESS_TYPE = { business: 'work', home: 'home', other: 'other' } as const;

export interface SnapshotAddress {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

/**
 * Canonical international form (`+49 30 1234567`) of a number, or null when its country cannot
 * be told, which the sync then writes as typed. A number with a country code needs only to be
 * possible; one without is read as a number of `country` only when it is valid there or was
 * written with that country's trunk prefix (the 0 of 07700 900123 in the UK): "030 1234567" is
 * a possible length in the USA, but no American would write it, so it gets no +1. The contact
 * form shows the same verdict while a number is typed.
 */
export function internationalPhone(number: string, country: CountryCode | null): string | null {
  const parsed = parsePhoneNumberFromString(number, country ?? undefined);
  if (!parsed?.isPossible()) return null;
  const international = /^\s*(\+|00)/.test(number);
  const trunkPrefixed = number.replace(/\D/g, '') !== parsed.nationalNumber;
  return international || parsed.isValid() || trunkPrefixed ? parsed.formatInternational() : null;
}

/** Canonical international form (`+49 30 1234567`); numbers that cannot be parsed stay as written. */
export function canonicalPhone(number: string, country: CountryCode | null): string {
  return internationalPhone(number, country) ?? number.trim();
}

const holdsSlot = (options: PhoneOptions, slot: PhoneType) =>
  !options.phoneSlots || options.phoneSlots.includes(slot);

function phoneSlots(phones: CrmPhone[], options: PhoneOptions) {
  const slots: Record<string, string> = {};
  const exported: CrmPhone[] = [];
  const left: Array<{ phone: CrmPhone; index: number; reason: string }> = [];
  for (const [index, phone] of phones.entries()) {
    const allowed = SLOTS_FOR[phone.type].filter((s) => holdsSlot(options, s));
    const slot = allowed.find((s) => !(s in slots));
    if (!slot) {
      const reason =
        allowed.length === 0
          ? `Microsoft 365 contacts have no field for ${phone.type} phone numbers`
          : `Exchange has no free slot for another ${phone.type} phone number`;
      left.push({ phone, index, reason });
      continue;
    }
    slots[slot] = canonicalPhone(phone.number, options.defaultCountry);
    exported.push(phone);
  }
  return { slots, exported, left };
}

/**
 * The country a contact's numbers without a country code belong to: the first of its business,
 * home and other addresses that names a country, else `fallback`. Both sides of a pair use the
 * snapshot's addresses, so they read a number alike.
 */
export function phoneCountry(
  addresses: Record<string, SnapshotAddress>,
  fallback: CountryCode | null,
): CountryCode | null {
  for (const kind of ['business', 'home', 'other']) {
    const country = countryOf(addresses[kind]?.country);
    if (country) return country;
  }
  return fallback;
}

/** Numbers that go to Exchange as entered because they could not be read, and why (B4). */
function unreadNumbers(slots: Record<string, string>, country: CountryCode | null): NotExported[] {
  return Object.values(slots)
    .filter((number) => internationalPhone(number, country) === null)
    .map((number) => ({
      field: 'phones',
      value: number,
      reason: country
        ? `written to Exchange as entered: it is not a possible ${country} number and has no country code`
        : 'written to Exchange as entered: it has no country code, and neither the contact’s address nor the organisation names a country',
    }));
}

function addressSlots(addresses: CrmAddress[]) {
  const slots: Record<string, SnapshotAddress> = {};
  const left: Array<{ address: CrmAddress; index: number; reason: string }> = [];
  for (const [index, address] of addresses.entries()) {
    const kind = ADDRESS_KIND[address.type];
    if (kind in slots) {
      left.push({ address, index, reason: `Exchange holds one ${kind} address` });
      continue;
    }
    slots[kind] = {
      street: address.street ?? null,
      city: address.city ?? null,
      state: address.region ?? null,
      postalCode: address.postalCode ?? null,
      country: address.country ?? null,
    };
  }
  return { slots, left };
}

export function deriveName(s: {
  givenName?: unknown;
  middleName?: unknown;
  familyName?: unknown;
  companyName?: unknown;
  emails?: unknown;
}): string {
  const parts = [s.givenName, s.middleName, s.familyName].filter((p) => typeof p === 'string' && p);
  if (parts.length > 0) return parts.join(' ');
  if (typeof s.companyName === 'string' && s.companyName) return s.companyName;
  const first = (s.emails as string[] | undefined)?.[0];
  return first ?? '(no name)';
}

const orNull = (v: string | null | undefined) => (v === undefined || v === '' ? null : v);

/** A value of a multi-valued field that Exchange cannot hold: its field, position and why. */
export interface LeftOut {
  field: 'emails' | 'phones' | 'addresses' | 'websites';
  index: number;
  reason: string;
}

/**
 * The values of a contact that stay in the CRM because Exchange has no room for them, in field
 * order. The contact form marks them while they are typed, with the sync's own rules.
 */
export function leftOut(
  contact: Pick<Contact, 'emails' | 'phones' | 'addresses' | 'websites'>,
  country: CountryCode | null,
  phoneSlotsHeld?: readonly PhoneType[],
): LeftOut[] {
  const out: LeftOut[] = [];
  for (let index = MAX_EMAILS; index < contact.emails.length; index++)
    out.push({ field: 'emails', index, reason: 'Exchange holds at most three email addresses' });
  const phoneOptions = { defaultCountry: country, phoneSlots: phoneSlotsHeld };
  for (const { index, reason } of phoneSlots(contact.phones, phoneOptions).left)
    out.push({ field: 'phones', index, reason });
  for (const { index, reason } of addressSlots(contact.addresses).left)
    out.push({ field: 'addresses', index, reason });
  for (let index = 1; index < contact.websites.length; index++)
    out.push({ field: 'websites', index, reason: 'Exchange holds one website' });
  return out;
}

/** How a left-out value is named in notExported: the address, number or URL; an address whole. */
function shownValue(contact: Contact, field: LeftOut['field'], index: number): unknown {
  if (field === 'emails') return contact.emails[index].address;
  if (field === 'phones') return contact.phones[index].number;
  if (field === 'websites') return contact.websites[index].url;
  return contact.addresses[index];
}

/** The contact as Exchange can hold it, and the values that stay in the CRM only. */
export function projectContact(contact: Contact, options: ContactSyncOptions): Projection {
  const notExported: NotExported[] = leftOut(contact, options.defaultCountry, options.phoneSlots).map(
    ({ field, index, reason }) => ({
      field,
      value: shownValue(contact, field, index),
      reason,
    }),
  );
  const emails = contact.emails.slice(0, MAX_EMAILS).map((e) => e.address);
  const addresses = addressSlots(contact.addresses);
  const country = phoneCountry(addresses.slots, options.defaultCountry);
  const phones = phoneSlots(contact.phones, { ...options, defaultCountry: country });
  notExported.push(...unreadNumbers(phones.slots, country));
  if (!options.syncNotes && contact.notes)
    notExported.push({ field: 'notes', value: contact.notes, reason: 'notes sync is off for this mailbox' });
  const snapshot: Snapshot = {
    givenName: orNull(contact.givenName),
    middleName: orNull(contact.middleName),
    familyName: orNull(contact.familyName),
    displayName: contact.displayName,
    companyName: orNull(contact.companyName),
    jobTitle: orNull(contact.jobTitle),
    department: orNull(contact.department),
    birthday: orNull(contact.birthday),
    emails,
    phones: phones.slots,
    addresses: addresses.slots,
    website: contact.websites[0]?.url ?? null,
    categories: contact.categories,
  };
  if (options.syncNotes) snapshot.notes = orNull(contact.notes);
  return { snapshot, notExported };
}

/** An Exchange contact in the snapshot form. */
export function snapshotOfItem(item: NeutralContact, options: ContactSyncOptions): Snapshot {
  const addresses: Record<string, SnapshotAddress> = {};
  for (const a of item.addresses) {
    addresses[a.type] = {
      street: orNull(a.street),
      city: orNull(a.city),
      state: orNull(a.state),
      postalCode: orNull(a.postalCode),
      country: orNull(a.countryOrRegion),
    };
  }
  const country = phoneCountry(addresses, options.defaultCountry);
  const phones: Record<string, string> = {};
  for (const p of item.phones)
    if (TYPE_OF_SLOT[p.type] && holdsSlot(options, p.type) && p.number)
      phones[p.type] = canonicalPhone(p.number, country);
  const emails = item.emails.map((e) => e.address).slice(0, MAX_EMAILS);
  const snapshot: Snapshot = {
    givenName: orNull(item.givenName),
    middleName: orNull(item.middleName),
    familyName: orNull(item.surname),
    displayName: null,
    companyName: orNull(item.companyName),
    jobTitle: orNull(item.jobTitle),
    department: orNull(item.department),
    birthday: orNull(item.birthday),
    emails,
    phones,
    addresses,
    website: orNull(item.website),
    categories: item.categories,
  };
  snapshot.displayName = orNull(item.displayName) ?? deriveName(snapshot);
  if (options.syncNotes) snapshot.notes = orNull(item.notes);
  return snapshot;
}

const nonEmptyString = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** The Exchange contact for a snapshot; what the snapshot does not carry is taken from `current`. */
export function itemOfSnapshot(
  snapshot: Snapshot,
  options: ContactSyncOptions,
  current?: NeutralContact,
): NeutralContact {
  const phones: Phone[] = Object.entries((snapshot.phones ?? {}) as Record<string, string>).map(
    ([type, number]) => ({ type: type as PhoneType, number }),
  );
  // Slots the CRM has no type for are left as the user filled them.
  for (const p of current?.phones ?? []) if (!TYPE_OF_SLOT[p.type]) phones.push(p);
  const addresses: PostalAddress[] = Object.entries(
    (snapshot.addresses ?? {}) as Record<string, SnapshotAddress>,
  ).map(([type, a]) => ({
    type: type as PostalAddress['type'],
    ...(a.street ? { street: a.street } : {}),
    ...(a.city ? { city: a.city } : {}),
    ...(a.state ? { state: a.state } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    ...(a.country ? { countryOrRegion: a.country } : {}),
  }));
  const item: NeutralContact = {
    emails: ((snapshot.emails ?? []) as string[]).map((address) => ({ address })),
    phones,
    addresses,
    categories: (snapshot.categories ?? []) as string[],
  };
  const set = <K extends keyof NeutralContact>(key: K, value: unknown) => {
    const v = nonEmptyString(value);
    if (v !== undefined) (item as unknown as Record<string, unknown>)[key] = v;
  };
  set('givenName', snapshot.givenName);
  set('middleName', snapshot.middleName);
  set('surname', snapshot.familyName);
  set('displayName', snapshot.displayName);
  set('companyName', snapshot.companyName);
  set('jobTitle', snapshot.jobTitle);
  set('department', snapshot.department);
  set('birthday', snapshot.birthday);
  set('website', snapshot.website);
  if (options.syncNotes) set('notes', snapshot.notes);
  else set('notes', current?.notes);
  return item;
}

function emailsFrom(addresses: string[], current: CrmEmail[]): CrmEmail[] {
  return addresses.map((address) => ({
    type: current.find((e) => e.address.toLowerCase() === address.toLowerCase())?.type ?? 'work',
    address,
  }));
}

function phonesFrom(slots: Record<string, string>): CrmPhone[] {
  return Object.entries(slots).flatMap(([slot, number]) => {
    const type = TYPE_OF_SLOT[slot as PhoneType];
    return type ? [{ type, number }] : [];
  });
}

function addressesFrom(slots: Record<string, SnapshotAddress>): CrmAddress[] {
  return Object.entries(slots).map(([kind, a]) => ({
    type: CRM_ADDRESS_TYPE[kind as keyof typeof CRM_ADDRESS_TYPE] ?? 'other',
    street: a.street ?? null,
    city: a.city ?? null,
    region: a.state ?? null,
    postalCode: a.postalCode ?? null,
    country: a.country ?? null,
  }));
}

const SCALARS: Record<string, keyof Contact> = {
  givenName: 'givenName',
  middleName: 'middleName',
  familyName: 'familyName',
  companyName: 'companyName',
  jobTitle: 'jobTitle',
  department: 'department',
  birthday: 'birthday',
  notes: 'notes',
};

/** A CRM create input for a new Exchange contact. */
export function contactCreate(
  snapshot: Snapshot,
  options: ContactSyncOptions,
  folderId: string,
): Record<string, unknown> {
  const input: Record<string, unknown> = {
    type: importedType(options.importType, (snapshot.categories ?? []) as string[], folderId),
    displayName: snapshot.displayName ?? deriveName(snapshot),
    emails: emailsFrom((snapshot.emails ?? []) as string[], []),
    phones: phonesFrom((snapshot.phones ?? {}) as Record<string, string>),
    addresses: addressesFrom((snapshot.addresses ?? {}) as Record<string, SnapshotAddress>),
    websites: snapshot.website ? [{ type: 'work', url: snapshot.website }] : [],
    categories: snapshot.categories ?? [],
  };
  for (const [field, key] of Object.entries(SCALARS)) {
    if (field === 'notes' && !options.syncNotes) continue;
    if (snapshot[field] !== null && snapshot[field] !== undefined) input[key] = snapshot[field];
  }
  return input;
}

/**
 * A CRM patch writing the `changed` fields. Values that never went to Exchange (a fourth
 * email, a second website, a phone without a free slot) are kept: an import never wipes them.
 */
export function contactPatch(
  changed: Snapshot,
  current: Contact,
  options: ContactSyncOptions,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changed)) {
    if (field in SCALARS) {
      if (field === 'notes' && !options.syncNotes) continue;
      patch[SCALARS[field]] = value ?? null;
    } else if (field === 'displayName') {
      patch.displayName = value ?? deriveName({ ...projectContact(current, options).snapshot, ...changed });
    } else if (field === 'categories') {
      patch.categories = value ?? [];
    } else if (field === 'emails') {
      const next = emailsFrom((value ?? []) as string[], current.emails);
      const kept = current.emails
        .slice(MAX_EMAILS)
        .filter((e) => !next.some((n) => n.address.toLowerCase() === e.address.toLowerCase()));
      patch.emails = [...next, ...kept];
    } else if (field === 'phones') {
      const { left } = phoneSlots(current.phones, options);
      patch.phones = [...phonesFrom((value ?? {}) as Record<string, string>), ...left.map((l) => l.phone)];
    } else if (field === 'addresses') {
      const { left } = addressSlots(current.addresses);
      patch.addresses = [
        ...addressesFrom((value ?? {}) as Record<string, SnapshotAddress>),
        ...left.map((l) => l.address),
      ];
    } else if (field === 'website') {
      const rest: CrmWebsite[] = current.websites.slice(1);
      const first: CrmWebsite[] = value
        ? [{ type: current.websites[0]?.type ?? 'work', url: value as string }]
        : [];
      patch.websites = [...first, ...rest];
    }
  }
  return patch;
}
