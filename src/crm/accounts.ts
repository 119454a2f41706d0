// Accounts (companies). Besides CRUD, the sync links imported contacts to accounts by company
// name (B2), comparing normalised names: see normaliseAccountName.
import { z } from 'zod';
import type { AnyDb, AnyRow, RecordDefinition } from './definition.ts';
import { json, text } from './definition.ts';
import {
  allOptional,
  ifVersion,
  LIMITS,
  listFilterBase,
  longText,
  nameText,
  ownerIdInput,
  postalAddress,
  recordBase,
  shortText,
} from './fields.ts';
import { columnContains, containsPattern } from './search.ts';
import { touchRecords, unlinkEmails } from './touch.ts';

const accountFields = {
  name: nameText.min(1),
  website: z.string().trim().max(LIMITS.url).nullable(),
  phone: z.string().trim().max(LIMITS.phone).nullable(),
  industry: nameText.nullable(),
  address: postalAddress.nullable(),
  notes: longText.nullable(),
};

export const accountSchema = z.strictObject({ ...recordBase, ...accountFields });
export const accountCreateSchema = z.strictObject({
  ...allOptional(accountFields),
  name: accountFields.name,
  ownerId: ownerIdInput.optional(),
});
export const accountUpdateSchema = z.strictObject({
  ...allOptional(accountFields),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const accountFilterSchema = z.strictObject({
  ...listFilterBase,
  q: shortText.optional().meta({ description: 'Part of the name.' }),
  name: nameText
    .optional()
    .meta({ description: 'Accounts with this name, compared as normaliseAccountName does.' }),
});

export type Account = z.infer<typeof accountSchema>;
export type AccountCreate = z.infer<typeof accountCreateSchema>;
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;
export type AccountFilter = z.infer<typeof accountFilterSchema>;

/**
 * The key company names are matched on: Unicode NFKC (so full-width and composed forms
 * compare equal), trimmed, runs of white space collapsed to one space, lower-cased.
 * "  ACME   GmbH " and "acme gmbh" match; "ACME" and "ACME GmbH" do not.
 */
export function normaliseAccountName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

export const accountDefinition: RecordDefinition = {
  name: 'accounts',
  recordType: 'account',
  table: 'accounts',
  label: 'account',
  schemas: {
    output: accountSchema,
    create: accountCreateSchema,
    update: accountUpdateSchema,
    filter: accountFilterSchema,
  },
  columns: {
    name: text('name'),
    website: text('website'),
    phone: text('phone'),
    industry: text('industry'),
    address: json('address'),
    notes: text('notes'),
  },
  sorts: { name: 'name', changed: 'updated_at' },
  defaults: () => ({ website: null, phone: null, industry: null, address: null, notes: null }),
  derive: (record: AnyRow) => ({ name_key: normaliseAccountName(record.name as string) }),
  applyFilter(query, filter) {
    let q = query;
    if (filter.name) q = q.where('accounts.name_key', '=', normaliseAccountName(filter.name));
    if (filter.q) q = q.where(columnContains('accounts.name', containsPattern(filter.q)));
    return q;
  },
  async beforeDelete(ctx, id) {
    // Contacts and deals of the account lose the link (the foreign keys set it to null); the
    // journal must say so, and emails linked to the account lose that link.
    const db = ctx.trx as unknown as AnyDb;
    const contacts = await db.selectFrom('contacts').select('id').where('account_id', '=', id).execute();
    await db.updateTable('contacts').set({ account_id: null }).where('account_id', '=', id).execute();
    await touchRecords(
      ctx,
      'contact',
      contacts.map((r) => r.id),
      ['accountId'],
    );
    const deals = await db.selectFrom('deals').select('id').where('account_id', '=', id).execute();
    await db.updateTable('deals').set({ account_id: null }).where('account_id', '=', id).execute();
    await touchRecords(
      ctx,
      'deal',
      deals.map((r) => r.id),
      ['accountId'],
    );
    await unlinkEmails(ctx, 'account', id);
  },
};

/** Names match when equal after normaliseAccountName; `visible` is the part the principal may see. */
export interface AccountMatch {
  all: Account[];
  visible: Account[];
}
