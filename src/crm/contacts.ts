// Contacts (F1, B5): people with name parts, company and account link, multi-valued emails,
// phones, addresses and websites in the order given, categories and contact groups.
import { sql } from 'kysely';
import { z } from 'zod';
import type { AnyRow, RecordDefinition } from './definition.ts';
import { json, text } from './definition.ts';
import {
  addressList,
  allOptional,
  categories,
  dateOnly,
  emailAddress,
  emailList,
  groupRef,
  idList,
  idSchema,
  ifVersion,
  listFilterBase,
  longText,
  nameText,
  ownerIdInput,
  phoneList,
  recordBase,
  websiteList,
} from './fields.ts';
import { groupMembership } from './memberships.ts';
import { columnContains, containsPattern } from './search.ts';
import { detachParticipants, touchRecords, unlinkEmails } from './touch.ts';

export const CONTACT_TYPES = ['employee', 'customer', 'other'] as const;

const contactFields = {
  type: z.enum(CONTACT_TYPES).meta({ description: 'employee, customer or other; defaults to customer.' }),
  accountId: idSchema.nullable().meta({ description: 'Account the contact works for.' }),
  companyName: nameText.nullable(),
  namePrefix: nameText.nullable(),
  givenName: nameText.nullable(),
  middleName: nameText.nullable(),
  familyName: nameText.nullable(),
  nameSuffix: nameText.nullable(),
  displayName: nameText
    .min(1)
    .meta({ description: 'Defaults to the name parts, the company or the first email.' }),
  nickname: nameText.nullable(),
  jobTitle: nameText.nullable(),
  department: nameText.nullable(),
  birthday: dateOnly.nullable(),
  notes: longText.nullable(),
  emails: emailList,
  phones: phoneList,
  addresses: addressList,
  websites: websiteList,
  categories,
  groupIds: idList.meta({ description: 'Contact groups the contact belongs to (those you can see).' }),
};

export const contactSchema = z.strictObject({
  ...recordBase,
  ...contactFields,
  groups: z.array(groupRef).meta({ description: 'The groups of groupIds, with their names.' }),
});
export const contactCreateSchema = z.strictObject({
  ...allOptional(contactFields),
  ownerId: ownerIdInput.optional(),
});
export const contactUpdateSchema = z.strictObject({
  ...allOptional(contactFields),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const contactFilterSchema = z.strictObject({
  ...listFilterBase,
  q: z
    .string()
    .max(256)
    .optional()
    .meta({ description: 'Part of the display name, company or an email address.' }),
  type: z.enum(CONTACT_TYPES).optional(),
  accountId: idSchema.optional(),
  groupId: idSchema.optional(),
  email: emailAddress.optional().meta({ description: 'Contacts having exactly this address (any case).' }),
});

export type Contact = z.infer<typeof contactSchema>;
export type ContactCreate = z.infer<typeof contactCreateSchema>;
export type ContactUpdate = z.infer<typeof contactUpdateSchema>;
export type ContactFilter = z.infer<typeof contactFilterSchema>;

/** What a contact is called when no display name is given. */
export function deriveDisplayName(record: AnyRow): string | undefined {
  const parts = [record.givenName, record.middleName, record.familyName].filter(
    (p) => typeof p === 'string' && p,
  );
  if (parts.length > 0) return parts.join(' ');
  if (record.companyName) return record.companyName as string;
  return (record.emails as Array<{ address: string }> | undefined)?.[0]?.address;
}

export const contactDefinition: RecordDefinition = {
  name: 'contacts',
  recordType: 'contact',
  table: 'contacts',
  label: 'contact',
  schemas: {
    output: contactSchema,
    create: contactCreateSchema,
    update: contactUpdateSchema,
    filter: contactFilterSchema,
  },
  columns: {
    type: text('type'),
    accountId: text('account_id'),
    companyName: text('company_name'),
    namePrefix: text('name_prefix'),
    givenName: text('given_name'),
    middleName: text('middle_name'),
    familyName: text('family_name'),
    nameSuffix: text('name_suffix'),
    displayName: text('display_name'),
    nickname: text('nickname'),
    jobTitle: text('job_title'),
    department: text('department'),
    birthday: text('birthday'),
    notes: text('notes'),
    emails: json('emails'),
    phones: json('phones'),
    addresses: json('addresses'),
    websites: json('websites'),
    categories: json('categories'),
  },
  sorts: { name: 'display_name', company: 'company_name', changed: 'updated_at' },
  defaults: (input) => ({
    type: 'customer',
    accountId: null,
    companyName: null,
    namePrefix: null,
    givenName: null,
    middleName: null,
    familyName: null,
    nameSuffix: null,
    nickname: null,
    jobTitle: null,
    department: null,
    birthday: null,
    notes: null,
    emails: [],
    phones: [],
    addresses: [],
    websites: [],
    categories: [],
    displayName: input.displayName ?? deriveDisplayName(input),
  }),
  check(record) {
    if (!record.displayName) {
      return [
        {
          path: 'displayName',
          message: 'give a display name, a name part, a company name or an email address',
        },
      ];
    }
    return [];
  },
  references: [{ field: 'accountId', recordType: 'account', table: 'accounts' }],
  children: [groupMembership('contact')],
  emailIndex: {
    recordType: 'contact',
    fields: ['emails'],
    addresses: (record) => (record.emails as Array<{ address: string }>).map((e) => e.address),
  },
  applyFilter(query, filter) {
    let q = query;
    if (filter.type) q = q.where('contacts.type', '=', filter.type);
    if (filter.accountId) q = q.where('contacts.account_id', '=', filter.accountId);
    if (filter.groupId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members')
            .select(sql`1`.as('one'))
            .where('group_members.group_id', '=', filter.groupId)
            .whereRef('group_members.record_id', '=', 'contacts.id'),
        ),
      );
    }
    if (filter.email) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('email_index')
            .select(sql`1`.as('one'))
            .where('email_index.record_type', '=', 'contact')
            .whereRef('email_index.record_id', '=', 'contacts.id')
            .where('email_index.address', '=', (filter.email as string).toLowerCase()),
        ),
      );
    }
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      q = q.where((eb) =>
        eb.or([
          columnContains('contacts.display_name', pattern),
          columnContains('contacts.company_name', pattern),
          eb.exists(
            eb
              .selectFrom('email_index')
              .select(sql`1`.as('one'))
              .where('email_index.record_type', '=', 'contact')
              .whereRef('email_index.record_id', '=', 'contacts.id')
              .where(sql<boolean>`email_index.address like ${pattern} escape '\\'`),
          ),
        ]),
      );
    }
    return q;
  },
  async beforeDelete(ctx, id) {
    const deals = await ctx.trx.selectFrom('deals').select('id').where('contact_id', '=', id).execute();
    await ctx.trx.updateTable('deals').set({ contact_id: null }).where('contact_id', '=', id).execute();
    await touchRecords(
      ctx,
      'deal',
      deals.map((r) => r.id),
      ['contactId'],
    );
    await detachParticipants(ctx, 'contact', id);
    await unlinkEmails(ctx, 'contact', id);
  },
};
