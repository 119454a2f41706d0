// Reading contact rows: the header is bound column by column (Exsync's own names, the
// numbered groups, Outlook's export names), then each record becomes a contact input for the
// CRM's schemas, remembering which column each value came from so that errors name columns.

import { parseDateCell, splitList, unguardCell } from './cells.ts';
import { DEFAULT_ENTRY_TYPE, LIST_GROUPS, LIST_NAMES, type ListName, type ScalarField } from './layout.ts';
import type { CsvRecord } from './rfc4180.ts';

type Binding =
  | { kind: 'scalar'; field: ScalarField }
  | { kind: 'id' | 'account' | 'birthday' | 'categories' | 'groups' }
  | { kind: 'entry'; list: ListName; slot: string; order: number; part: string; fixedType?: string };

const SCALARS: Record<string, ScalarField> = {
  type: 'type',
  'display name': 'displayName',
  title: 'namePrefix',
  'name prefix': 'namePrefix',
  'first name': 'givenName',
  'given name': 'givenName',
  'middle name': 'middleName',
  'last name': 'familyName',
  'family name': 'familyName',
  suffix: 'nameSuffix',
  'name suffix': 'nameSuffix',
  nickname: 'nickname',
  company: 'companyName',
  'company name': 'companyName',
  'job title': 'jobTitle',
  department: 'department',
  notes: 'notes',
};

const SPECIALS: Record<string, Binding> = {
  id: { kind: 'id' },
  account: { kind: 'account' },
  birthday: { kind: 'birthday' },
  categories: { kind: 'categories' },
  groups: { kind: 'groups' },
};

/** Outlook's CSV export columns (English), each filling one entry of a fixed type. */
const OUTLOOK_ENTRIES: Array<[header: string, list: ListName, slot: string, part: string, type: string]> = [];
{
  const add = (header: string, list: ListName, slot: string, part: string, type: string) =>
    OUTLOOK_ENTRIES.push([header, list, slot, part, type]);
  const phones: Array<[string, string]> = [
    ['business phone', 'work'],
    ['business phone 2', 'work2'],
    ['home phone', 'home'],
    ['home phone 2', 'home2'],
    ['mobile phone', 'mobile'],
    ['business fax', 'fax_work'],
    ['home fax', 'fax_home'],
    ["assistant's phone", 'assistant'],
    ['company main phone', 'company'],
    ['pager', 'pager'],
    ['car phone', 'car'],
    ['primary phone', 'other'],
    ['other phone', 'other'],
    ['other fax', 'other'],
  ];
  for (const [header, type] of phones) add(header, 'phones', `outlook-${header}`, 'number', type);
  for (const [prefix, type] of [
    ['business', 'work'],
    ['home', 'home'],
    ['other', 'other'],
  ] as const) {
    const slot = `outlook-${prefix}-address`;
    add(`${prefix} street`, 'addresses', slot, 'street', type);
    add(`${prefix} street 2`, 'addresses', slot, 'street', type);
    add(`${prefix} street 3`, 'addresses', slot, 'street', type);
    add(`${prefix} city`, 'addresses', slot, 'city', type);
    add(`${prefix} state`, 'addresses', slot, 'region', type);
    add(`${prefix} postal code`, 'addresses', slot, 'postalCode', type);
    add(`${prefix} country/region`, 'addresses', slot, 'country', type);
    add(`${prefix} country`, 'addresses', slot, 'country', type);
  }
  add('web page', 'websites', 'outlook-web-page', 'url', 'work');
}

/** Header text compared case-insensitively, spaces collapsed, "E-mail" as "Email". */
export function headerKey(name: string): string {
  return name
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .replace(/^e-mail\b/, 'email');
}

const NUMBERED = /^(email|phone|address|website) (\d{1,3}) (.+)$/;

function bind(name: string): Binding | undefined {
  const key = headerKey(name);
  if (key in SCALARS) return { kind: 'scalar', field: SCALARS[key] };
  if (key in SPECIALS) return SPECIALS[key];
  // Outlook's "E-mail Address", "E-mail 2 Address", … are Exsync's Email 1, 2, … columns.
  const numbered = NUMBERED.exec(key === 'email address' ? 'email 1 address' : key);
  if (numbered) {
    const list = LIST_NAMES.find((l) => LIST_GROUPS[l].prefix.toLowerCase() === numbered[1])!;
    const n = Number(numbered[2]);
    const part = LIST_GROUPS[list].parts.find((p) => p.label.toLowerCase() === numbered[3]);
    if (part && n >= 1) return { kind: 'entry', list, slot: `n${n}`, order: n, part: part.key };
  }
  const index = OUTLOOK_ENTRIES.findIndex(([header]) => header === key);
  if (index >= 0) {
    const [, list, slot, part, type] = OUTLOOK_ENTRIES[index];
    return { kind: 'entry', list, slot, order: 1000 + index, part, fixedType: type };
  }
  return undefined;
}

export interface ImportWarning {
  column?: string;
  message: string;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface HeaderBinding {
  columns: Array<{ name: string; binding: Binding | undefined }>;
  warnings: ImportWarning[];
  hasId: boolean;
}

export function bindHeader(header: string[]): HeaderBinding {
  const warnings: ImportWarning[] = [];
  const seen = new Set<string>();
  const columns = header.map((raw) => {
    const name = raw.trim();
    if (name === '') return { name, binding: undefined };
    const binding = bind(name);
    const key = headerKey(name);
    if (!binding) {
      warnings.push({ column: name, message: `column "${name}" is not known and was ignored` });
      return { name, binding: undefined };
    }
    // Street lines 2 and 3 share a slot with line 1 on purpose; other repeats are mistakes.
    if (seen.has(key)) {
      warnings.push({
        column: name,
        message: `column "${name}" appears more than once; only the first is read`,
      });
      return { name, binding: undefined };
    }
    seen.add(key);
    return { name, binding };
  });
  return { columns, warnings, hasId: columns.some((c) => c.binding?.kind === 'id') };
}

export interface ContactRow {
  line: number;
  id: string | null;
  /** The contact fields given by the row (for an update, exactly the fields to change). */
  input: Record<string, unknown>;
  accountName: string | null | undefined;
  groupNames: string[] | undefined;
  errors: FieldError[];
  /** Column of each input path (`emails.1.address` → `Email 2 Address`). */
  sources: Map<string, string>;
}

interface Slot {
  order: number;
  fixedType?: string;
  values: Record<string, string>;
  columns: Record<string, string>;
}

/** Blank records (every cell empty), such as trailing lines spreadsheets write, are skipped. */
export function isBlank(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === '');
}

export function readRow(record: CsvRecord, header: HeaderBinding): ContactRow {
  const row: ContactRow = {
    line: record.line,
    id: null,
    input: {},
    accountName: undefined,
    groupNames: undefined,
    errors: [],
    sources: new Map(),
  };
  const extra = record.fields.slice(header.columns.length).filter((f) => f.trim() !== '');
  if (extra.length > 0) {
    row.errors.push({
      field: '',
      message: `the row has ${record.fields.length} fields but the header only ${header.columns.length}; quote values that contain the delimiter`,
    });
  }
  const slots: Record<ListName, Map<string, Slot>> = {
    emails: new Map(),
    phones: new Map(),
    addresses: new Map(),
    websites: new Map(),
  };
  header.columns.forEach(({ name, binding }, i) => {
    if (!binding) return;
    const cell = unguardCell(record.fields[i] ?? '');
    const empty = cell.trim() === '';
    switch (binding.kind) {
      case 'scalar': {
        row.sources.set(binding.field, name);
        // A required field left empty keeps its default (create) or current value (update).
        if (binding.field === 'type' || binding.field === 'displayName') {
          if (!empty) row.input[binding.field] = binding.field === 'type' ? cell.trim().toLowerCase() : cell;
        } else if (binding.field === 'notes') {
          // Notes are kept exactly, white space included.
          row.input.notes = cell === '' ? null : cell;
        } else {
          row.input[binding.field] = empty ? null : cell;
        }
        return;
      }
      case 'id':
        row.id = empty ? null : cell.trim();
        return;
      case 'account':
        row.accountName = empty ? null : cell.trim();
        row.sources.set('accountId', name);
        return;
      case 'birthday': {
        row.sources.set('birthday', name);
        const date = parseDateCell(cell);
        if (date.ok) row.input.birthday = date.value;
        else row.errors.push({ field: name, message: date.message });
        return;
      }
      case 'categories':
        row.sources.set('categories', name);
        row.input.categories = splitList(cell);
        return;
      case 'groups':
        row.sources.set('groupIds', name);
        row.groupNames = splitList(cell);
        return;
      case 'entry': {
        let slot = slots[binding.list].get(binding.slot);
        if (!slot) {
          slot = { order: binding.order, fixedType: binding.fixedType, values: {}, columns: {} };
          slots[binding.list].set(binding.slot, slot);
        }
        slot.columns[binding.part] ??= name;
        if (!empty) {
          // Outlook's Street 2 and Street 3 continue the street on new lines.
          const previous = slot.values[binding.part];
          slot.values[binding.part] = previous ? `${previous}\n${cell}` : cell;
        }
        return;
      }
    }
  });
  for (const list of LIST_NAMES) {
    if (slots[list].size === 0) continue;
    const entries: Array<Record<string, unknown>> = [];
    const ordered = [...slots[list].values()].sort((a, b) => a.order - b.order);
    for (const slot of ordered) {
      const hasValue = Object.entries(slot.values).some(([key, v]) => key !== 'type' && v.trim() !== '');
      if (!hasValue) continue;
      const index = entries.length;
      const entry: Record<string, unknown> = {
        type: slot.values.type?.trim().toLowerCase() || slot.fixedType || DEFAULT_ENTRY_TYPE[list],
      };
      for (const part of LIST_GROUPS[list].parts) {
        if (part.key === 'type') continue;
        const v = slot.values[part.key];
        if (v !== undefined && v.trim() !== '') entry[part.key] = v;
      }
      // Entries whose schema requires the value get it even when empty, so that the error names it.
      for (const [key, column] of Object.entries(slot.columns))
        row.sources.set(`${list}.${index}.${key}`, column);
      const firstColumn = Object.values(slot.columns)[0];
      row.sources.set(`${list}.${index}`, slot.columns.type ?? firstColumn);
      entries.push(entry);
    }
    row.input[list] = entries;
    row.sources.set(list, `${LIST_GROUPS[list].prefix} columns`);
  }
  return row;
}

/** The column an error path of the contact input refers to, or the path itself when none. */
export function columnOf(row: ContactRow, path: string): string {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const column = row.sources.get(parts.slice(0, n).join('.'));
    if (column) return column;
  }
  return path;
}
