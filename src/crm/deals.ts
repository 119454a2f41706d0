// Deals (opportunities): an amount at a stage, for an account and a contact.
import { z } from 'zod';
import type { RecordDefinition } from './definition.ts';
import { num, text } from './definition.ts';
import {
  allOptional,
  dateOnly,
  idSchema,
  ifVersion,
  listFilterBase,
  longText,
  nameText,
  ownerIdInput,
  recordBase,
} from './fields.ts';
import { columnContains, containsPattern } from './search.ts';
import { unlinkEmails } from './touch.ts';

export const DEAL_STAGES = [
  'prospecting',
  'qualification',
  'proposal',
  'negotiation',
  'won',
  'lost',
] as const;

const dealFields = {
  name: nameText.min(1),
  accountId: idSchema.nullable(),
  contactId: idSchema.nullable(),
  amount: z.number().finite().min(0).max(1e15).nullable(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .nullable(),
  stage: z.enum(DEAL_STAGES),
  closeDate: dateOnly.nullable(),
  notes: longText.nullable(),
};

export const dealSchema = z.strictObject({ ...recordBase, ...dealFields });
export const dealCreateSchema = z.strictObject({
  ...allOptional(dealFields),
  name: dealFields.name,
  ownerId: ownerIdInput.optional(),
});
export const dealUpdateSchema = z.strictObject({
  ...allOptional(dealFields),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const dealFilterSchema = z.strictObject({
  ...listFilterBase,
  q: z.string().max(256).optional().meta({ description: 'Part of the name.' }),
  stage: z.enum(DEAL_STAGES).optional(),
  accountId: idSchema.optional(),
  contactId: idSchema.optional(),
});

export type Deal = z.infer<typeof dealSchema>;
export type DealCreate = z.infer<typeof dealCreateSchema>;
export type DealUpdate = z.infer<typeof dealUpdateSchema>;
export type DealFilter = z.infer<typeof dealFilterSchema>;

export const dealDefinition: RecordDefinition = {
  name: 'deals',
  recordType: 'deal',
  table: 'deals',
  label: 'deal',
  schemas: {
    output: dealSchema,
    create: dealCreateSchema,
    update: dealUpdateSchema,
    filter: dealFilterSchema,
  },
  columns: {
    name: text('name'),
    accountId: text('account_id'),
    contactId: text('contact_id'),
    amount: num('amount'),
    currency: text('currency'),
    stage: text('stage'),
    closeDate: text('close_date'),
    notes: text('notes'),
  },
  sorts: { name: 'name', changed: 'updated_at' },
  defaults: () => ({
    accountId: null,
    contactId: null,
    amount: null,
    currency: null,
    stage: 'prospecting',
    closeDate: null,
    notes: null,
  }),
  references: [
    { field: 'accountId', recordType: 'account', table: 'accounts' },
    { field: 'contactId', recordType: 'contact', table: 'contacts' },
  ],
  applyFilter(query, filter) {
    let q = query;
    if (filter.stage) q = q.where('deals.stage', '=', filter.stage);
    if (filter.accountId) q = q.where('deals.account_id', '=', filter.accountId);
    if (filter.contactId) q = q.where('deals.contact_id', '=', filter.contactId);
    if (filter.q) q = q.where(columnContains('deals.name', containsPattern(filter.q)));
    return q;
  },
  async beforeDelete(ctx, id) {
    await unlinkEmails(ctx, 'deal', id);
  },
};
