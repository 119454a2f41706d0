// Contact ⇄ EWS ContactItemType. Contact notes live in the item body, as Exchange keeps them.

import type {
  AddressKey,
  AnyItem,
  ContactData,
  EmailAddress,
  Item,
  PhoneKey,
  PostalAddress,
} from '../../model.ts';
import { formatDateTime } from '../time/datetime.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import { readBody, readCategories, type WriteOptions } from './common.ts';
import { itemBaseProps } from './item-base.ts';
import type { Prop } from './shape.ts';

export const PHONE_KEYS: PhoneKey[] = [
  'AssistantPhone',
  'BusinessFax',
  'BusinessPhone',
  'BusinessPhone2',
  'Callback',
  'CarPhone',
  'CompanyMainPhone',
  'HomeFax',
  'HomePhone',
  'HomePhone2',
  'Isdn',
  'MobilePhone',
  'OtherFax',
  'OtherTelephone',
  'Pager',
  'PrimaryPhone',
  'RadioPhone',
  'Telex',
  'TtyTddPhone',
];
export const ADDRESS_KEYS: AddressKey[] = ['Business', 'Home', 'Other'];
export const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
const ADDRESS_PARTS = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'] as const;
const PART_FIELD: Record<(typeof ADDRESS_PARTS)[number], keyof PostalAddress> = {
  Street: 'street',
  City: 'city',
  State: 'state',
  CountryOrRegion: 'countryOrRegion',
  PostalCode: 'postalCode',
};

export function fileAs(c: ContactData): string {
  if (c.fileAs) return c.fileAs;
  if (c.surname && c.givenName) return `${c.surname}, ${c.givenName}`;
  return c.displayName ?? c.surname ?? c.givenName ?? c.companyName ?? c.emailAddresses[0]?.address ?? '';
}

export function displayNameOf(c: ContactData): string {
  return (
    c.displayName ??
    ([c.givenName, c.middleName, c.surname].filter(Boolean).join(' ') ||
      c.companyName ||
      c.emailAddresses[0]?.address ||
      '')
  );
}

export function contactProps(item: Item<'contact'>, o: WriteOptions): Prop[] {
  const c = item.data;
  const base = itemBaseProps(
    {
      id: item.id,
      changeKey: item.changeKey,
      folderId: item.folderId,
      itemClass: 'IPM.Contact',
      subject: fileAs(c),
      sensitivity: 'normal',
      body: c.notes !== undefined ? { contentType: 'text', content: c.notes } : undefined,
      categories: c.categories,
      extendedProperties: c.extendedProperties,
      dateTimeCreated: item.createdDateTime,
      lastModifiedTime: item.lastModifiedDateTime,
    },
    o,
  );
  const emailEntries = c.emailAddresses.slice(0, 3).map((e, i) => ({
    key: EMAIL_KEYS[i],
    xml: leaf('t:Entry', e.address, { Key: EMAIL_KEYS[i], Name: e.name }),
  }));
  const addressEntries = ADDRESS_KEYS.filter((k) => c.addresses[k]).map((k) => {
    const a = c.addresses[k]!;
    return {
      key: k,
      xml: el(
        't:Entry',
        { Key: k },
        leaf('t:Street', a.street),
        leaf('t:City', a.city),
        leaf('t:State', a.state),
        leaf('t:CountryOrRegion', a.countryOrRegion),
        leaf('t:PostalCode', a.postalCode),
      ),
    };
  });
  const phoneEntries = PHONE_KEYS.filter((k) => c.phones[k] !== undefined).map((k) => ({
    key: k,
    xml: leaf('t:Entry', c.phones[k], { Key: k }),
  }));
  const dictionary = (uri: string, wrapper: string, entries: Array<{ key: string; xml: string }>): Prop => ({
    uri,
    xml: entries.length > 0 ? `<${wrapper}>${entries.map((e) => e.xml).join('')}</${wrapper}>` : '',
    dflt: true,
    indexed: { wrapper, entries },
  });
  const own: Prop[] = [
    { uri: 'contacts:FileAs', xml: leaf('t:FileAs', fileAs(c)), dflt: true },
    { uri: 'contacts:FileAsMapping', xml: leaf('t:FileAsMapping', 'LastCommaFirst') },
    { uri: 'contacts:DisplayName', xml: leaf('t:DisplayName', displayNameOf(c)), dflt: true },
    { uri: 'contacts:GivenName', xml: leaf('t:GivenName', c.givenName), dflt: true },
    { uri: 'contacts:Initials', xml: leaf('t:Initials', c.initials), dflt: true },
    { uri: 'contacts:MiddleName', xml: leaf('t:MiddleName', c.middleName), dflt: true },
    { uri: 'contacts:Nickname', xml: leaf('t:Nickname', c.nickName), dflt: true },
    {
      uri: 'contacts:CompleteName',
      xml: el(
        't:CompleteName',
        null,
        leaf('t:FirstName', c.givenName),
        leaf('t:MiddleName', c.middleName),
        leaf('t:LastName', c.surname),
        leaf('t:Initials', c.initials),
        leaf('t:FullName', displayNameOf(c)),
        leaf('t:Nickname', c.nickName),
      ),
      dflt: true,
    },
    { uri: 'contacts:CompanyName', xml: leaf('t:CompanyName', c.companyName), dflt: true },
    dictionary('contacts:EmailAddresses', 't:EmailAddresses', emailEntries),
    dictionary('contacts:PhysicalAddresses', 't:PhysicalAddresses', addressEntries),
    dictionary('contacts:PhoneNumbers', 't:PhoneNumbers', phoneEntries),
    {
      uri: 'contacts:Birthday',
      xml: c.birthday ? leaf('t:Birthday', formatDateTime(`${c.birthday}T00:00:00Z`, o.precision)) : '',
      dflt: true,
    },
    { uri: 'contacts:BusinessHomePage', xml: leaf('t:BusinessHomePage', c.businessHomePage), dflt: true },
    { uri: 'contacts:Department', xml: leaf('t:Department', c.department), dflt: true },
    { uri: 'contacts:JobTitle', xml: leaf('t:JobTitle', c.jobTitle), dflt: true },
    { uri: 'contacts:Surname', xml: leaf('t:Surname', c.surname), dflt: true },
  ];
  return [...base.head, ...base.tail, ...own];
}

/** Reads the fields present in a `<t:Contact>` (all for CreateItem, one for SetItemField). */
export function readContact(contact: XElement): Partial<ContactData> {
  const out: Partial<ContactData> = {};
  const text = (name: string) => childText(contact, name);
  const set = <K extends keyof ContactData>(key: K, value: ContactData[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('givenName', text('GivenName'));
  set('middleName', text('MiddleName'));
  set('surname', text('Surname'));
  set('displayName', text('DisplayName'));
  set('nickName', text('Nickname'));
  set('initials', text('Initials'));
  set('fileAs', text('FileAs'));
  set('companyName', text('CompanyName'));
  set('jobTitle', text('JobTitle'));
  set('department', text('Department'));
  set('businessHomePage', text('BusinessHomePage'));
  const birthday = text('Birthday');
  if (birthday !== undefined) out.birthday = birthday.slice(0, 10);
  const body = readBody(childElement(contact, 'Body'));
  if (body) out.notes = body.content;
  const notes = text('Notes');
  if (notes !== undefined && out.notes === undefined) out.notes = notes;
  set('categories', readCategories(childElement(contact, 'Categories')));
  const emails = childElement(contact, 'EmailAddresses');
  if (emails) out.emailAddresses = readEmailEntries(emails).filter((e): e is EmailAddress => e !== undefined);
  const phones = childElement(contact, 'PhoneNumbers');
  if (phones) {
    out.phones = {};
    for (const e of childElements(phones, 'Entry')) {
      const key = e.attrs.Key as PhoneKey;
      if (PHONE_KEYS.includes(key) && e.text.trim() !== '') out.phones[key] = e.text.trim();
    }
  }
  const addresses = childElement(contact, 'PhysicalAddresses');
  if (addresses) {
    out.addresses = {};
    for (const e of childElements(addresses, 'Entry')) {
      const key = e.attrs.Key as AddressKey;
      if (!ADDRESS_KEYS.includes(key)) continue;
      out.addresses[key] = readAddressParts(e);
    }
  }
  return out;
}

/** Entries by slot (EmailAddress1..3); a missing slot is undefined. */
export function readEmailEntries(emails: XElement): Array<EmailAddress | undefined> {
  const slots: Array<EmailAddress | undefined> = [];
  for (const e of childElements(emails, 'Entry')) {
    const index = EMAIL_KEYS.indexOf(e.attrs.Key as (typeof EMAIL_KEYS)[number]);
    const address = e.text.trim();
    if (index < 0 || address === '') continue;
    slots[index] = e.attrs.Name ? { address, name: e.attrs.Name } : { address };
  }
  return slots;
}

export function readAddressParts(entry: XElement): PostalAddress {
  const a: PostalAddress = {};
  for (const part of ADDRESS_PARTS) {
    const v = childText(entry, part);
    if (v !== undefined) a[PART_FIELD[part]] = v;
  }
  return a;
}

/** Field URI → the model field it controls, for SetItemField / DeleteItemField. */
export const CONTACT_FIELDS: Record<string, keyof ContactData> = {
  'contacts:GivenName': 'givenName',
  'contacts:MiddleName': 'middleName',
  'contacts:Surname': 'surname',
  'contacts:DisplayName': 'displayName',
  'contacts:Nickname': 'nickName',
  'contacts:Initials': 'initials',
  'contacts:FileAs': 'fileAs',
  'contacts:CompanyName': 'companyName',
  'contacts:JobTitle': 'jobTitle',
  'contacts:Department': 'department',
  'contacts:BusinessHomePage': 'businessHomePage',
  'contacts:Birthday': 'birthday',
  'contacts:EmailAddresses': 'emailAddresses',
  'contacts:PhoneNumbers': 'phones',
  'contacts:PhysicalAddresses': 'addresses',
  'contacts:Notes': 'notes',
  'item:Body': 'notes',
  'item:Categories': 'categories',
};

/**
 * Applies an indexed update (contacts:EmailAddress EmailAddress2, contacts:PhoneNumber
 * BusinessPhone, contacts:PhysicalAddress:City Business) to the current contact; `value`
 * undefined deletes the entry (or the address part).
 */
export function applyIndexedContactField(
  current: ContactData,
  uri: string,
  index: string,
  source: XElement | undefined,
): Partial<ContactData> {
  if (uri === 'contacts:EmailAddress') {
    const slot = EMAIL_KEYS.indexOf(index as (typeof EMAIL_KEYS)[number]);
    if (slot < 0) return {};
    const slots: Array<EmailAddress | undefined> = [...current.emailAddresses];
    const fromXml = source
      ? readEmailEntries(childElement(source, 'EmailAddresses') ?? source)[slot]
      : undefined;
    slots[slot] = fromXml;
    return { emailAddresses: slots.filter((e): e is EmailAddress => e !== undefined) };
  }
  if (uri === 'contacts:PhoneNumber') {
    const phones = { ...current.phones };
    const entry = source
      ? childElements(childElement(source, 'PhoneNumbers'), 'Entry').find((e) => e.attrs.Key === index)
      : undefined;
    if (entry && entry.text.trim() !== '') phones[index as PhoneKey] = entry.text.trim();
    else delete phones[index as PhoneKey];
    return { phones };
  }
  if (uri.startsWith('contacts:PhysicalAddress:')) {
    const part = uri.slice('contacts:PhysicalAddress:'.length) as (typeof ADDRESS_PARTS)[number];
    const key = index as AddressKey;
    if (!ADDRESS_PARTS.includes(part) || !ADDRESS_KEYS.includes(key)) return {};
    const addresses = { ...current.addresses };
    const address: PostalAddress = { ...(addresses[key] ?? {}) };
    const entry = source
      ? childElements(childElement(source, 'PhysicalAddresses'), 'Entry').find((e) => e.attrs.Key === key)
      : undefined;
    const value = entry ? childText(entry, part) : undefined;
    if (value !== undefined && value !== '') address[PART_FIELD[part]] = value;
    else delete address[PART_FIELD[part]];
    if (Object.keys(address).length === 0) delete addresses[key];
    else addresses[key] = address;
    return { addresses };
  }
  return {};
}

export function emptyContact(): ContactData {
  return { emailAddresses: [], phones: {}, addresses: {}, categories: [] };
}

export function isContact(item: AnyItem): item is Item<'contact'> {
  return item.kind === 'contact';
}
