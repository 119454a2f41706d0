// contact ⇄ ContactData. Graph exposes Exchange's fixed phone slots as businessPhones (two),
// homePhones (two) and mobilePhone; other slots stay untouched by Graph writes.
import type { AddressKey, ContactData, Item, PhoneKey, PostalAddress } from '../../model.ts';
import { badRequest } from '../errors.ts';
import {
  emailAddressFromGraph,
  etagOf,
  invalidProperty,
  type Json,
  optString,
  optStringArray,
  rejectUnknown,
} from './common.ts';
import { EXTENDED_KEYS, extendedPatch, withStoredExtended } from './extended.ts';

const ENTITY = 'contact';

export const CONTACT_LIMITS = { emailAddresses: 3, businessPhones: 2, homePhones: 2 } as const;

const ADDRESS_PROPS: ReadonlyArray<[string, AddressKey]> = [
  ['businessAddress', 'Business'],
  ['homeAddress', 'Home'],
  ['otherAddress', 'Other'],
];

const STRING_PROPS: ReadonlyArray<[string, keyof ContactData]> = [
  ['givenName', 'givenName'],
  ['middleName', 'middleName'],
  ['surname', 'surname'],
  ['displayName', 'displayName'],
  ['nickName', 'nickName'],
  ['initials', 'initials'],
  ['fileAs', 'fileAs'],
  ['companyName', 'companyName'],
  ['jobTitle', 'jobTitle'],
  ['department', 'department'],
  ['businessHomePage', 'businessHomePage'],
  ['personalNotes', 'notes'],
];

/** Every property of microsoft.graph.contact a client may send (read-only ones are ignored). */
const KNOWN = new Set([
  ...STRING_PROPS.map(([g]) => g),
  ...ADDRESS_PROPS.map(([g]) => g),
  'id',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'categories',
  'parentFolderId',
  'birthday',
  'emailAddresses',
  'businessPhones',
  'homePhones',
  'mobilePhone',
  'assistantName',
  'children',
  'generation',
  'imAddresses',
  'manager',
  'officeLocation',
  'profession',
  'spouseName',
  'title',
  'yomiCompanyName',
  'yomiGivenName',
  'yomiSurname',
  'primaryEmailAddress',
  'secondaryEmailAddress',
  'tertiaryEmailAddress',
  ...EXTENDED_KEYS,
]);

function addressToGraph(address: PostalAddress | undefined): Json {
  if (!address) return {};
  const out: Json = {};
  for (const key of ['street', 'city', 'state', 'countryOrRegion', 'postalCode'] as const) {
    if (address[key] !== undefined) out[key] = address[key];
  }
  return out;
}

function addressFromGraph(value: unknown, key: string): PostalAddress | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') throw invalidProperty(ENTITY, key, 'a physicalAddress');
  const out: PostalAddress = {};
  for (const k of ['street', 'city', 'state', 'countryOrRegion', 'postalCode'] as const) {
    const v = (value as Json)[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function contactToGraph(item: Item<'contact'>): Json {
  const d = item.data;
  const slots = (keys: PhoneKey[]) => keys.map((k) => d.phones[k]).filter((v): v is string => !!v);
  return withStoredExtended(
    {
      '@odata.etag': etagOf(item.changeKey),
      id: item.id,
      createdDateTime: item.createdDateTime,
      lastModifiedDateTime: item.lastModifiedDateTime,
      changeKey: item.changeKey,
      categories: [...d.categories],
      parentFolderId: item.folderId,
      birthday: d.birthday ? `${d.birthday}T00:00:00Z` : null,
      fileAs: d.fileAs ?? '',
      displayName: d.displayName ?? '',
      givenName: d.givenName ?? null,
      initials: d.initials ?? null,
      middleName: d.middleName ?? null,
      nickName: d.nickName ?? null,
      surname: d.surname ?? null,
      title: null,
      yomiGivenName: null,
      yomiSurname: null,
      yomiCompanyName: null,
      generation: null,
      imAddresses: [],
      jobTitle: d.jobTitle ?? null,
      companyName: d.companyName ?? null,
      department: d.department ?? null,
      officeLocation: null,
      profession: null,
      businessHomePage: d.businessHomePage ?? null,
      assistantName: null,
      manager: null,
      homePhones: slots(['HomePhone', 'HomePhone2']),
      mobilePhone: d.phones.MobilePhone ?? null,
      businessPhones: slots(['BusinessPhone', 'BusinessPhone2']),
      spouseName: null,
      personalNotes: d.notes ?? '',
      children: [],
      emailAddresses: d.emailAddresses.map((e) => ({ name: e.name ?? e.address, address: e.address })),
      homeAddress: addressToGraph(d.addresses.Home),
      businessAddress: addressToGraph(d.addresses.Business),
      otherAddress: addressToGraph(d.addresses.Other),
    },
    d.extendedProperties,
  );
}

function tooMany(property: string, count: number, max: number): Error {
  // Microsoft's wording, which clients log and some match on.
  return badRequest(
    `The multi value property ${property} has ${count} entries, that exceeds the max allowed value of ${max}`,
    'ErrorInvalidArgument',
  );
}

/**
 * The change a Graph contact body asks for. Only properties present in `json` appear in the
 * patch; a property present with value undefined clears the field. `current` supplies the phone
 * slots and addresses Graph does not expose, so they survive.
 */
export function contactPatchFromGraph(json: Json, current?: ContactData): Partial<ContactData> {
  rejectUnknown(json, KNOWN, ENTITY);
  const patch: Partial<ContactData> = {};
  const set = <K extends keyof ContactData>(key: K, value: ContactData[K] | undefined) => {
    patch[key] = value;
  };
  for (const [graphName, modelName] of STRING_PROPS) {
    const v = optString(json, graphName, ENTITY);
    if (v !== undefined) set(modelName, (v === null || v === '' ? undefined : v) as never);
  }
  const categories = optStringArray(json, 'categories', ENTITY);
  if (categories) patch.categories = categories;
  if ('birthday' in json) {
    const v = optString(json, 'birthday', ENTITY);
    if (v && !/^\d{4}-\d{2}-\d{2}/.test(v))
      throw invalidProperty(ENTITY, 'birthday', 'a date-time such as 1980-05-17T00:00:00Z');
    patch.birthday = v ? v.slice(0, 10) : undefined;
  }
  if ('emailAddresses' in json) {
    const list = json.emailAddresses ?? [];
    if (!Array.isArray(list)) throw invalidProperty(ENTITY, 'emailAddresses', 'an array of emailAddress');
    if (list.length > CONTACT_LIMITS.emailAddresses)
      throw tooMany('EmailAddresses', list.length, CONTACT_LIMITS.emailAddresses);
    patch.emailAddresses = list.map((e) => emailAddressFromGraph(e, ENTITY, 'emailAddresses'));
  }
  const phoneLists: ReadonlyArray<[string, string, PhoneKey, PhoneKey, number]> = [
    ['businessPhones', 'BusinessPhones', 'BusinessPhone', 'BusinessPhone2', CONTACT_LIMITS.businessPhones],
    ['homePhones', 'HomePhones', 'HomePhone', 'HomePhone2', CONTACT_LIMITS.homePhones],
  ];
  let phones: Partial<Record<PhoneKey, string>> | undefined;
  const phonesToChange = () => {
    phones ??= { ...(current?.phones ?? {}) };
    return phones;
  };
  for (const [graphName, label, first, second, max] of phoneLists) {
    const list = optStringArray(json, graphName, ENTITY);
    if (list === undefined) continue;
    const values = list.filter((v) => v !== '');
    if (values.length > max) throw tooMany(label, values.length, max);
    const p = phonesToChange();
    delete p[first];
    delete p[second];
    if (values[0]) p[first] = values[0];
    if (values[1]) p[second] = values[1];
  }
  const mobile = optString(json, 'mobilePhone', ENTITY);
  if (mobile !== undefined) {
    const p = phonesToChange();
    if (mobile) p.MobilePhone = mobile;
    else delete p.MobilePhone;
  }
  if (phones) patch.phones = phones;
  let addresses: ContactData['addresses'] | undefined;
  for (const [graphName, key] of ADDRESS_PROPS) {
    if (!(graphName in json)) continue;
    addresses ??= { ...(current?.addresses ?? {}) };
    const value = addressFromGraph(json[graphName], graphName);
    if (value) addresses[key] = value;
    else delete addresses[key];
  }
  if (addresses) patch.addresses = addresses;
  const extended = extendedPatch(json, ENTITY, current?.extendedProperties);
  if (extended) patch.extendedProperties = extended;
  return patch;
}

/** A complete ContactData for a create. */
export function contactDataFromGraph(json: Json): ContactData {
  const patch = contactPatchFromGraph(json);
  const data: ContactData = { emailAddresses: [], phones: {}, addresses: {}, categories: [] };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (data as unknown as Json)[k] = v;
  if (!data.displayName) {
    const name = [data.givenName, data.middleName, data.surname].filter(Boolean).join(' ');
    if (name) data.displayName = name;
  }
  return data;
}
