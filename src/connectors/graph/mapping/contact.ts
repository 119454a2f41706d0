import type { NeutralContact, Phone, PostalAddress } from '../../types.ts';
import { emailFromGraph } from './common.ts';
import { arrayOrEmpty, compact, type Json, nonEmptyString, objectOrEmpty, strings } from './json.ts';

const ADDRESS_KEYS = { business: 'businessAddress', home: 'homeAddress', other: 'otherAddress' } as const;

/**
 * The phone slots a Graph contact has properties for (businessPhones, homePhones, mobilePhone);
 * Exchange's other slots are not read or written over Graph, which leaves them as they are.
 */
export const GRAPH_CONTACT_PHONES: readonly Phone['type'][] = [
  'business',
  'business2',
  'home',
  'home2',
  'mobile',
];

export const CONTACT_SELECT = [
  'givenName',
  'middleName',
  'surname',
  'displayName',
  'companyName',
  'jobTitle',
  'department',
  'emailAddresses',
  'businessPhones',
  'homePhones',
  'mobilePhone',
  'businessAddress',
  'homeAddress',
  'otherAddress',
  'businessHomePage',
  'birthday',
  'personalNotes',
  'categories',
  'changeKey',
];

export function contactFromGraph(json: Json): NeutralContact {
  const phones: Phone[] = [];
  for (const [i, number] of strings(json.businessPhones).entries()) {
    phones.push({ type: i === 0 ? 'business' : 'business2', number });
  }
  for (const [i, number] of strings(json.homePhones).entries())
    phones.push({ type: i === 0 ? 'home' : 'home2', number });
  const mobile = nonEmptyString(json.mobilePhone);
  if (mobile) phones.push({ type: 'mobile', number: mobile });
  const addresses: PostalAddress[] = [];
  for (const [type, key] of Object.entries(ADDRESS_KEYS) as Array<[PostalAddress['type'], string]>) {
    const a = objectOrEmpty(json[key]);
    const address = compact({
      type,
      street: nonEmptyString(a.street),
      city: nonEmptyString(a.city),
      state: nonEmptyString(a.state),
      postalCode: nonEmptyString(a.postalCode),
      countryOrRegion: nonEmptyString(a.countryOrRegion),
    });
    if (Object.keys(address).length > 1) addresses.push(address);
  }
  const birthday = nonEmptyString(json.birthday)?.slice(0, 10);
  return compact({
    givenName: nonEmptyString(json.givenName),
    middleName: nonEmptyString(json.middleName),
    surname: nonEmptyString(json.surname),
    displayName: nonEmptyString(json.displayName),
    companyName: nonEmptyString(json.companyName),
    jobTitle: nonEmptyString(json.jobTitle),
    department: nonEmptyString(json.department),
    emails: arrayOrEmpty(json.emailAddresses)
      .map(emailFromGraph)
      .filter((e) => e !== undefined),
    phones,
    addresses,
    website: nonEmptyString(json.businessHomePage),
    birthday,
    notes: nonEmptyString(json.personalNotes),
    categories: strings(json.categories),
  });
}

/** A full replacement: fields the contact lacks are cleared on the server. */
export function contactToGraph(c: NeutralContact): Json {
  const phones = (type: Phone['type']) => c.phones.filter((p) => p.type === type).map((p) => p.number);
  const out: Json = {
    givenName: c.givenName ?? null,
    middleName: c.middleName ?? null,
    surname: c.surname ?? null,
    displayName: c.displayName ?? null,
    companyName: c.companyName ?? null,
    jobTitle: c.jobTitle ?? null,
    department: c.department ?? null,
    emailAddresses: c.emails
      .slice(0, 3)
      .map((e) => compact({ address: e.address, name: e.name ?? e.address })),
    businessPhones: [...phones('business'), ...phones('business2')].slice(0, 2),
    homePhones: [...phones('home'), ...phones('home2')].slice(0, 2),
    mobilePhone: phones('mobile')[0] ?? null,
    businessHomePage: c.website ?? null,
    birthday: c.birthday ? `${c.birthday}T00:00:00Z` : null,
    personalNotes: c.notes ?? '',
    categories: c.categories,
  };
  for (const [type, key] of Object.entries(ADDRESS_KEYS) as Array<[PostalAddress['type'], string]>) {
    const a = c.addresses.find((x) => x.type === type);
    out[key] = a
      ? compact({
          street: a.street,
          city: a.city,
          state: a.state,
          postalCode: a.postalCode,
          countryOrRegion: a.countryOrRegion,
        })
      : {};
  }
  return out;
}
