import { compact } from '../../graph/mapping/json.ts';
import type { NeutralContact, Phone, PhoneType, PostalAddress } from '../../types.ts';
import { attr, child, children, el, leaf, text, type XNode } from '../xml.ts';
import { bodyFromEws, bodyToEws, categoriesFromEws, categoriesToEws, type FieldChange } from './common.ts';

export const PHONE_KEYS: Record<PhoneType, string> = {
  business: 'BusinessPhone',
  business2: 'BusinessPhone2',
  home: 'HomePhone',
  home2: 'HomePhone2',
  mobile: 'MobilePhone',
  businessFax: 'BusinessFax',
  homeFax: 'HomeFax',
  other: 'OtherTelephone',
  assistant: 'AssistantPhone',
  pager: 'Pager',
  car: 'CarPhone',
  companyMain: 'CompanyMainPhone',
  radio: 'RadioPhone',
  callback: 'Callback',
  isdn: 'Isdn',
  otherFax: 'OtherFax',
  primary: 'PrimaryPhone',
  telex: 'Telex',
  ttyTdd: 'TtyTddPhone',
};
const PHONE_TYPES = Object.fromEntries(Object.entries(PHONE_KEYS).map(([k, v]) => [v, k as PhoneType]));
const ADDRESS_KEYS: Record<PostalAddress['type'], string> = {
  business: 'Business',
  home: 'Home',
  other: 'Other',
};
const ADDRESS_PARTS = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'] as const;
const partKey = (p: (typeof ADDRESS_PARTS)[number]) =>
  (p === 'CountryOrRegion'
    ? 'countryOrRegion'
    : p === 'PostalCode'
      ? 'postalCode'
      : p.toLowerCase()) as keyof Omit<PostalAddress, 'type'>;

export function contactFromEws(n: XNode): NeutralContact {
  const emails = children(child(n, 'EmailAddresses'), 'Entry')
    .sort((a, b) => (attr(a, 'Key') ?? '').localeCompare(attr(b, 'Key') ?? ''))
    .flatMap((e) => {
      const address = text(e);
      if (!address) return [];
      const name = attr(e, 'Name');
      return [
        name
          ? { address: address.replace(/^smtp:/i, ''), name }
          : { address: address.replace(/^smtp:/i, '') },
      ];
    });
  const phones: Phone[] = children(child(n, 'PhoneNumbers'), 'Entry').flatMap((e) => {
    const type = PHONE_TYPES[attr(e, 'Key') ?? ''];
    const number = text(e);
    return type && number ? [{ type, number }] : [];
  });
  const addresses: PostalAddress[] = children(child(n, 'PhysicalAddresses'), 'Entry').flatMap((e) => {
    const type = (Object.keys(ADDRESS_KEYS) as PostalAddress['type'][]).find(
      (t) => ADDRESS_KEYS[t] === attr(e, 'Key'),
    );
    if (!type) return [];
    const a: PostalAddress = { type };
    for (const p of ADDRESS_PARTS) {
      const v = text(e, p);
      if (v) a[partKey(p)] = v;
    }
    return Object.keys(a).length > 1 ? [a] : [];
  });
  const notes = bodyFromEws(n)?.content;
  return compact({
    givenName: text(n, 'GivenName'),
    middleName: text(n, 'MiddleName'),
    surname: text(n, 'Surname'),
    displayName: text(n, 'DisplayName'),
    companyName: text(n, 'CompanyName'),
    jobTitle: text(n, 'JobTitle'),
    department: text(n, 'Department'),
    emails,
    phones,
    addresses,
    website: text(n, 'BusinessHomePage'),
    birthday: text(n, 'Birthday')?.slice(0, 10),
    notes,
    categories: categoriesFromEws(n),
  });
}

const birthdayXml = (c: NeutralContact) =>
  leaf('t:Birthday', c.birthday ? `${c.birthday}T00:00:00Z` : undefined);
const emailEntry = (c: NeutralContact, i: number) => {
  const e = c.emails[i];
  return e ? leaf('t:Entry', e.address, { Key: `EmailAddress${i + 1}`, Name: e.name }) : '';
};
const addressEntry = (a: PostalAddress) =>
  el(
    't:Entry',
    { Key: ADDRESS_KEYS[a.type] },
    ADDRESS_PARTS.map((p) => leaf(`t:${p}`, a[partKey(p)])),
  );
const fileAs = (c: NeutralContact) =>
  c.surname && c.givenName
    ? `${c.surname}, ${c.givenName}`
    : (c.displayName ?? c.surname ?? c.givenName ?? c.companyName);

/** `<t:Contact>` for CreateItem, elements in the schema's order. */
export function contactToEws(c: NeutralContact): string {
  const phones = c.phones.filter((p, i) => c.phones.findIndex((q) => q.type === p.type) === i);
  return el(
    't:Contact',
    null,
    bodyToEws(c.notes ? { contentType: 'text', content: c.notes } : undefined),
    categoriesToEws(c.categories),
    leaf('t:FileAs', fileAs(c)),
    leaf('t:DisplayName', c.displayName),
    leaf('t:GivenName', c.givenName),
    leaf('t:MiddleName', c.middleName),
    leaf('t:CompanyName', c.companyName),
    c.emails.length
      ? el(
          't:EmailAddresses',
          null,
          [0, 1, 2].map((i) => emailEntry(c, i)),
        )
      : '',
    c.addresses.length ? el('t:PhysicalAddresses', null, c.addresses.map(addressEntry)) : '',
    phones.length
      ? el(
          't:PhoneNumbers',
          null,
          phones.map((p) => leaf('t:Entry', p.number, { Key: PHONE_KEYS[p.type] })),
        )
      : '',
    birthdayXml(c),
    leaf('t:BusinessHomePage', c.website),
    leaf('t:Department', c.department),
    leaf('t:JobTitle', c.jobTitle),
    leaf('t:Surname', c.surname),
  );
}

/** Every field Exsync owns, set or deleted, for UpdateItem. */
export function contactChanges(c: NeutralContact): FieldChange[] {
  const simple = (uri: string, tag: string, value: string | undefined): FieldChange => ({
    uri: `contacts:${uri}`,
    xml: leaf(`t:${tag}`, value) || undefined,
  });
  const changes: FieldChange[] = [
    {
      uri: 'item:Body',
      xml: bodyToEws(c.notes ? { contentType: 'text', content: c.notes } : undefined) || undefined,
    },
    { uri: 'item:Categories', xml: categoriesToEws(c.categories) || undefined },
    // Kept in step with the name, as Outlook does when a contact is renamed.
    ...(fileAs(c) ? [simple('FileAs', 'FileAs', fileAs(c))] : []),
    simple('DisplayName', 'DisplayName', c.displayName),
    simple('GivenName', 'GivenName', c.givenName),
    simple('MiddleName', 'MiddleName', c.middleName),
    simple('CompanyName', 'CompanyName', c.companyName),
  ];
  for (const i of [0, 1, 2]) {
    const entry = emailEntry(c, i);
    changes.push({
      uri: 'contacts:EmailAddress',
      index: `EmailAddress${i + 1}`,
      xml: entry ? el('t:EmailAddresses', null, entry) : undefined,
    });
  }
  for (const [type, key] of Object.entries(ADDRESS_KEYS) as Array<[PostalAddress['type'], string]>) {
    const a = c.addresses.find((x) => x.type === type);
    for (const p of ADDRESS_PARTS) {
      const v = a?.[partKey(p)];
      changes.push({
        uri: `contacts:PhysicalAddress:${p}`,
        index: key,
        xml: v ? el('t:PhysicalAddresses', null, el('t:Entry', { Key: key }, leaf(`t:${p}`, v))) : undefined,
      });
    }
  }
  for (const [type, key] of Object.entries(PHONE_KEYS) as Array<[PhoneType, string]>) {
    const p = c.phones.find((x) => x.type === type);
    changes.push({
      uri: 'contacts:PhoneNumber',
      index: key,
      xml: p ? el('t:PhoneNumbers', null, leaf('t:Entry', p.number, { Key: key })) : undefined,
    });
  }
  changes.push(
    { uri: 'contacts:Birthday', xml: birthdayXml(c) || undefined },
    simple('BusinessHomePage', 'BusinessHomePage', c.website),
    simple('Department', 'Department', c.department),
    simple('JobTitle', 'JobTitle', c.jobTitle),
    simple('Surname', 'Surname', c.surname),
  );
  return changes;
}
