// The contact CSV columns (B6): one column per single-valued field, numbered column groups for
// the multi-valued ones sized to the data (Email 1 Type, Email 1 Address, Email 2 …), and the
// header names of Outlook's CSV export accepted on import. docs/csv.md documents the layout;
// changing a name here changes files users keep, so names are stable.
import type { Contact } from '../crm/index.ts';

type ScalarField =
  | 'type'
  | 'displayName'
  | 'namePrefix'
  | 'givenName'
  | 'middleName'
  | 'familyName'
  | 'nameSuffix'
  | 'nickname'
  | 'companyName'
  | 'jobTitle'
  | 'department'
  | 'notes';

/** Single-valued columns in export order; `field` names the contact field or a special column. */
export const SINGLE_COLUMNS = [
  { name: 'Id', field: 'id' },
  { name: 'Type', field: 'type' },
  { name: 'Display Name', field: 'displayName' },
  { name: 'Title', field: 'namePrefix' },
  { name: 'First Name', field: 'givenName' },
  { name: 'Middle Name', field: 'middleName' },
  { name: 'Last Name', field: 'familyName' },
  { name: 'Suffix', field: 'nameSuffix' },
  { name: 'Nickname', field: 'nickname' },
  { name: 'Company', field: 'companyName' },
  { name: 'Account', field: 'account' },
  { name: 'Job Title', field: 'jobTitle' },
  { name: 'Department', field: 'department' },
  { name: 'Birthday', field: 'birthday' },
] as const;

/** Columns after the multi-valued groups, in export order. */
export const TRAILING_COLUMNS = [
  { name: 'Categories', field: 'categories' },
  { name: 'Groups', field: 'groups' },
  { name: 'Notes', field: 'notes' },
] as const;

export type ListName = 'emails' | 'phones' | 'addresses' | 'websites';

/** Each multi-valued field: its column-group prefix and the parts of one entry, in column order. */
export const LIST_GROUPS: Record<ListName, { prefix: string; parts: Array<{ label: string; key: string }> }> =
  {
    emails: {
      prefix: 'Email',
      parts: [
        { label: 'Type', key: 'type' },
        { label: 'Address', key: 'address' },
      ],
    },
    phones: {
      prefix: 'Phone',
      parts: [
        { label: 'Type', key: 'type' },
        { label: 'Number', key: 'number' },
      ],
    },
    addresses: {
      prefix: 'Address',
      parts: [
        { label: 'Type', key: 'type' },
        { label: 'Street', key: 'street' },
        { label: 'City', key: 'city' },
        { label: 'Region', key: 'region' },
        { label: 'Postal Code', key: 'postalCode' },
        { label: 'Country', key: 'country' },
      ],
    },
    websites: {
      prefix: 'Website',
      parts: [
        { label: 'Type', key: 'type' },
        { label: 'URL', key: 'url' },
      ],
    },
  };
export const LIST_NAMES = Object.keys(LIST_GROUPS) as ListName[];

/** Types an entry gets when its type column is empty or absent. */
export const DEFAULT_ENTRY_TYPE: Record<ListName, string> = {
  emails: 'other',
  phones: 'other',
  addresses: 'other',
  websites: 'other',
};

export type ListSizes = Record<ListName, number>;

export function emptySizes(): ListSizes {
  return { emails: 0, phones: 0, addresses: 0, websites: 0 };
}

export function growSizes(sizes: ListSizes, contact: Contact): void {
  for (const list of LIST_NAMES) sizes[list] = Math.max(sizes[list], contact[list].length);
}

export function exportHeader(sizes: ListSizes): string[] {
  const header: string[] = SINGLE_COLUMNS.map((c) => c.name);
  for (const list of LIST_NAMES) {
    const group = LIST_GROUPS[list];
    for (let n = 1; n <= sizes[list]; n++)
      for (const part of group.parts) header.push(`${group.prefix} ${n} ${part.label}`);
  }
  header.push(...TRAILING_COLUMNS.map((c) => c.name));
  return header;
}

export interface ExportExtras {
  accountName: string | null;
  joinList(values: readonly string[]): string;
}

/** The cells of one contact under exportHeader(sizes), before the formula guard. */
export function exportCells(contact: Contact, sizes: ListSizes, extras: ExportExtras): string[] {
  const value = (field: string): string => {
    switch (field) {
      case 'account':
        return extras.accountName ?? '';
      case 'categories':
        return extras.joinList(contact.categories);
      case 'groups':
        return extras.joinList(contact.groups.map((g) => g.name));
      default: {
        const v = (contact as Record<string, unknown>)[field];
        return v === null || v === undefined ? '' : String(v);
      }
    }
  };
  const cells: string[] = SINGLE_COLUMNS.map((c) => value(c.field));
  for (const list of LIST_NAMES) {
    const entries = contact[list] as unknown as Array<Record<string, unknown>>;
    for (let n = 0; n < sizes[list]; n++) {
      const entry = entries[n];
      for (const part of LIST_GROUPS[list].parts) {
        const v = entry?.[part.key];
        cells.push(v === null || v === undefined ? '' : String(v));
      }
    }
  }
  cells.push(...TRAILING_COLUMNS.map((c) => value(c.field)));
  return cells;
}

export type { ScalarField };
