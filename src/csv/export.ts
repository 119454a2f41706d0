// Contacts export (B6): every contact the principal may see, with every value, as CSV text
// produced piece by piece so that large exports stream. The column groups are sized to the
// data, which needs a first pass over the contacts to count entries; the second pass writes.
import type { Contact, ContactFilter, Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import { guardCell, joinList } from './cells.ts';
import { emptySizes, exportCells, exportHeader, growSizes, type ListSizes } from './layout.ts';
import { type Delimiter, formatCsvRecord } from './rfc4180.ts';

export interface ExportOptions {
  filter?: Partial<ContactFilter> | Record<string, unknown>;
  delimiter?: Delimiter;
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8. */
  bom?: boolean;
}

const PAGE = 500;

async function* pages(crm: Crm, principal: Principal, filter: ExportOptions['filter']) {
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Crm['contacts']['list']>> = await crm.contacts.list(principal, {
      filter: filter ?? {},
      cursor,
      limit: PAGE,
    });
    yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * Validates the filter before the first chunk, so that a bad filter is an error answer rather
 * than a broken stream; then yields the file in chunks of about one page of contacts.
 */
export async function exportContactsCsv(
  crm: Crm,
  principal: Principal,
  options: ExportOptions = {},
): Promise<AsyncGenerator<string>> {
  const delimiter = options.delimiter ?? ',';
  const sizes: ListSizes = emptySizes();
  // The first pass counts entries (and checks the filter, throwing before anything is sent).
  for await (const items of pages(crm, principal, options.filter)) for (const c of items) growSizes(sizes, c);
  return (async function* () {
    const header = exportHeader(sizes);
    yield (options.bom ? '\uFEFF' : '') + formatCsvRecord(header, delimiter);
    const accountNames = new Map<string, string>();
    for await (const items of pages(crm, principal, options.filter)) {
      const missing = [
        ...new Set(items.map((c) => c.accountId).filter((id): id is string => !!id && !accountNames.has(id))),
      ];
      if (missing.length > 0) {
        // Bounded memory on very large exports: the cache only spares repeated lookups.
        if (accountNames.size > 10_000) accountNames.clear();
        const accounts = await crm.accounts.getMany(principal, [
          ...new Set(items.map((c) => c.accountId).filter((id): id is string => !!id)),
        ]);
        for (const account of accounts) accountNames.set(account.id, account.name);
      }
      let chunk = '';
      for (const contact of items as Contact[]) {
        const cells = exportCells(contact, sizes, {
          accountName: contact.accountId ? (accountNames.get(contact.accountId) ?? null) : null,
          joinList,
        });
        chunk += formatCsvRecord(cells.map(guardCell), delimiter);
      }
      yield chunk;
    }
  })();
}

/** The whole export as one string (for the CLI writing a file and for tests). */
export async function exportContactsCsvText(
  crm: Crm,
  principal: Principal,
  options: ExportOptions = {},
): Promise<string> {
  let text = '';
  for await (const chunk of await exportContactsCsv(crm, principal, options)) text += chunk;
  return text;
}
