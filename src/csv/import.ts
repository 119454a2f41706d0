// Contacts import (B6). Rows are validated with the CRM's own schemas and access rules; valid
// new contacts are written in batches with createMany (one transaction per batch), rows with
// an Id update that contact in a transaction of their own. A bad row is reported with its
// line and columns and never written in part.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { accessLevel } from '../crm/access.ts';
import {
  type ContactCreate,
  type Crm,
  contactCreateSchema,
  contactUpdateSchema,
  deriveDisplayName,
  detailsFromZod,
  isCrmError,
  normaliseAccountName,
} from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import {
  bindHeader,
  type ContactRow,
  columnOf,
  type FieldError,
  type ImportWarning,
  isBlank,
  readRow,
} from './reader.ts';
import { type CsvRecord, CsvSyntaxError, csvRecords, type Delimiter, detectDelimiter } from './rfc4180.ts';

export interface ImportOptions {
  /** Validate and report only; nothing is written. */
  dryRun?: boolean;
  /** Detected from the header line when not given. */
  delimiter?: Delimiter;
}

export interface ImportSummary {
  dryRun: boolean;
  created: number;
  updated: number;
  failed: Array<{ line: number; errors: FieldError[] }>;
  warnings: ImportWarning[];
}

/** New contacts per createMany call: one transaction and a few multi-row inserts each. */
export const IMPORT_BATCH = 500;

/**
 * The most data rows one import takes (docs/csv.md). A few megabytes of short lines are millions
 * of rows; a file with more is refused before anything is written, so the user can split it.
 */
export const MAX_IMPORT_ROWS = 50_000;

/** Rows read between two turns of the event loop, so that other requests are served meanwhile. */
const ROWS_PER_TURN = 200;

/** The records of the file, with a turn of the event loop given to other work every few. */
async function* inSlices(records: Iterable<CsvRecord>): AsyncGenerator<CsvRecord> {
  let n = 0;
  for (const record of records) {
    if (++n % ROWS_PER_TURN === 0) await nextTurn();
    yield record;
  }
}

/** A file longer than one import takes (a CsvSyntaxError, so every caller already reports it). */
export class CsvRowLimitError extends CsvSyntaxError {
  constructor(line: number) {
    super(
      line,
      `the file has more than ${MAX_IMPORT_ROWS.toLocaleString('en')} rows, the most one import takes; nothing was imported. Split it into files of at most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows.`,
    );
    this.name = 'CsvRowLimitError';
  }
}

/** Refuses a file with more than MAX_IMPORT_ROWS data rows (checked before anything is written). */
async function assertRowCount(text: string, delimiter: Delimiter): Promise<void> {
  let rows = -1;
  for await (const record of inSlices(csvRecords(text, delimiter))) {
    if (isBlank(record)) continue;
    if (++rows > MAX_IMPORT_ROWS) throw new CsvRowLimitError(record.line);
  }
}

/**
 * The file's text: UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as
 * Windows-1252, which Excel uses for "CSV" in Western European locales, with a warning.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; warning?: ImportWarning } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      text: new TextDecoder('windows-1252').decode(bytes),
      warning: {
        message:
          'the file is not UTF-8 and was read as Windows-1252; save it as "CSV UTF-8" to be sure every character is kept',
      },
    };
  }
}

function crmErrors(row: ContactRow, error: unknown): FieldError[] {
  if (!isCrmError(error)) throw error;
  if (error.details && error.details.length > 0)
    return error.details.map((d) => ({
      field: d.path ? columnOf(row, d.path.replace(/^\d+\./, '')) : '',
      message: d.message,
    }));
  return [{ field: '', message: error.message }];
}

function createLinks(crm: Crm, principal: Principal, dryRun: boolean) {
  const accounts = new Map<string, string | null>();
  let groups: Map<string, string[]> | undefined;
  const groupKey = (name: string) => name.normalize('NFKC').trim().toLowerCase();

  async function loadGroups(): Promise<Map<string, string[]>> {
    const byName = new Map<string, string[]>();
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Crm['contactGroups']['list']>> = await crm.contactGroups.list(
        principal,
        {
          cursor,
          limit: 500,
        },
      );
      for (const g of page.items)
        byName.set(groupKey(g.name), [...(byName.get(groupKey(g.name)) ?? []), g.id]);
      cursor = page.nextCursor;
    } while (cursor);
    return byName;
  }

  return {
    /** The one visible account with this name, or null when none or several match. */
    async account(name: string): Promise<string | null> {
      const key = normaliseAccountName(name);
      if (!accounts.has(key)) {
        const { visible } = await crm.accounts.findByName(principal, name);
        accounts.set(key, visible.length === 1 ? visible[0].id : null);
      }
      return accounts.get(key)!;
    },
    /** Ids of the named groups; missing groups are created (not in a dry run, where ids are placeholders). */
    async groupIds(names: string[]): Promise<{ ids: string[] } | { error: string }> {
      groups ??= await loadGroups();
      const ids: string[] = [];
      for (const name of names) {
        const found = groups.get(groupKey(name)) ?? [];
        if (found.length > 1)
          return { error: `several contact groups are called "${name}"; rename one of them or leave it out` };
        if (found.length === 1) {
          ids.push(found[0]);
          continue;
        }
        const id = dryRun
          ? `new:${groupKey(name)}`
          : (await crm.contactGroups.create(principal, { name })).id;
        groups.set(groupKey(name), [id]);
        ids.push(id);
      }
      return { ids: [...new Set(ids)] };
    },
  };
}

export async function importContactsCsv(
  crm: Crm,
  principal: Principal,
  text: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const dryRun = options.dryRun ?? false;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  await assertRowCount(text, delimiter);
  const records = inSlices(csvRecords(text, delimiter));
  const first = (await records.next()).value;
  if (!first || isBlank(first))
    throw new CsvSyntaxError(
      1,
      'the file is empty; its first line must be the header with the column names.',
    );
  const header = bindHeader(first.fields);
  if (header.columns.every((c) => !c.binding))
    throw new CsvSyntaxError(
      1,
      'none of the header columns is known; the first line must name the columns (see the CSV documentation for the names).',
    );
  const summary: ImportSummary = { dryRun, created: 0, updated: 0, failed: [], warnings: header.warnings };
  const links = createLinks(crm, principal, dryRun);
  let batch: Array<{ row: ContactRow; input: ContactCreate }> = [];

  const fail = (row: ContactRow, errors: FieldError[]) => summary.failed.push({ line: row.line, errors });

  const flush = async () => {
    const pending = batch;
    batch = [];
    if (pending.length === 0) return;
    if (dryRun) {
      summary.created += pending.length;
      return;
    }
    try {
      await crm.contacts.createMany(
        principal,
        pending.map((p) => p.input),
      );
      summary.created += pending.length;
    } catch (error) {
      if (!isCrmError(error)) throw error;
      // The batch wrote nothing; writing its rows one by one finds the rows at fault.
      for (const p of pending) {
        try {
          await crm.contacts.create(principal, p.input);
          summary.created++;
        } catch (rowError) {
          fail(p.row, crmErrors(p.row, rowError));
        }
      }
    }
  };

  for await (const record of records) {
    if (isBlank(record)) continue;
    const row = readRow(record, header);
    if (row.errors.length > 0) {
      fail(row, row.errors);
      continue;
    }
    const input = row.input;
    const parsed = (row.id ? contactUpdateSchema : contactCreateSchema).safeParse(input);
    if (!parsed.success) {
      fail(
        row,
        detailsFromZod(parsed.error).map((d) => ({ field: columnOf(row, d.path), message: d.message })),
      );
      continue;
    }
    if (row.accountName !== undefined) {
      const accountId = row.accountName === null ? null : await links.account(row.accountName);
      input.accountId = accountId;
      // An account name that matches no single visible account is kept as the company name.
      if (row.accountName !== null && accountId === null && !input.companyName)
        input.companyName = row.accountName;
    }
    if (row.id) {
      const { level } = await accessLevel(crm.store.db, principal, 'contact', 'contacts', row.id);
      if (level === 'none' || level === 'read') {
        fail(row, [
          {
            field: columnOf(row, 'id') === 'id' ? 'Id' : columnOf(row, 'id'),
            message:
              level === 'none'
                ? `no contact with id "${row.id}" exists or you cannot see it; clear the Id to create a new contact`
                : `you may only read contact "${row.id}"; ask its owner to share it with edit rights, or clear the Id to create a copy`,
          },
        ]);
        continue;
      }
    } else if (!input.displayName && !deriveDisplayName(input)) {
      fail(row, [
        {
          field:
            columnOf(row, 'displayName') === 'displayName' ? 'Display Name' : columnOf(row, 'displayName'),
          message: 'give a display name, a name part, a company or an email address',
        },
      ]);
      continue;
    }
    if (row.id && row.sources.has('displayName') && !input.displayName) {
      const derived = deriveDisplayName(input);
      if (derived) input.displayName = derived;
    }
    if (row.groupNames !== undefined) {
      const resolved = await links.groupIds(row.groupNames);
      if ('error' in resolved) {
        fail(row, [{ field: columnOf(row, 'groupIds'), message: resolved.error }]);
        continue;
      }
      if (!dryRun) input.groupIds = resolved.ids;
    }
    if (row.id) {
      if (dryRun) {
        summary.updated++;
        continue;
      }
      try {
        await crm.contacts.update(principal, row.id, input);
        summary.updated++;
      } catch (error) {
        fail(row, crmErrors(row, error));
      }
      continue;
    }
    batch.push({ row, input: input as ContactCreate });
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  summary.failed.sort((a, b) => a.line - b.line);
  return summary;
}
