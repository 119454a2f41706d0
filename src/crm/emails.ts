// Emails (D1, D2): one record per Internet Message-ID and owner, linked to the contacts,
// accounts, leads and deals it concerns.
import { sql } from 'kysely';
import { z } from 'zod';
import type { AnyDb, RecordDefinition } from './definition.ts';
import { inst, json, text } from './definition.ts';
import { emailLinkSchema, emailLinks, LINK_TYPES } from './email-links.ts';
import { CrmError } from './errors.ts';
import {
  allOptional,
  emailAddress,
  ifVersion,
  instant,
  LIMITS,
  listFilterBase,
  longText,
  nameText,
  ownerIdInput,
  recordBase,
} from './fields.ts';
import { columnContains, containsPattern } from './search.ts';

export const mailboxAddressSchema = z.strictObject({
  address: emailAddress,
  name: nameText.nullable().optional(),
});
const recipients = z.array(mailboxAddressSchema).max(LIMITS.entries * 10);

const emailFields = {
  messageId: z
    .string()
    .trim()
    .min(1)
    .max(998)
    .meta({ description: 'Internet Message-ID, e.g. <abc@example.com>; unique per owner.' }),
  from: mailboxAddressSchema.nullable(),
  to: recipients,
  cc: recipients,
  subject: z.string().max(LIMITS.shortText * 2),
  htmlBody: longText.nullable(),
  textBody: longText.nullable(),
  sentAt: instant.nullable(),
  receivedAt: instant.nullable(),
  links: z.array(emailLinkSchema).max(LIMITS.entries * 10),
};

export const emailSchema = z.strictObject({ ...recordBase, ...emailFields });
export const emailCreateSchema = z.strictObject({
  ...allOptional(emailFields),
  messageId: emailFields.messageId,
  ownerId: ownerIdInput.optional(),
});
export const emailUpdateSchema = z.strictObject({
  ...allOptional(emailFields),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const emailFilterSchema = z.strictObject({
  ...listFilterBase,
  messageId: z.string().max(998).optional(),
  linkedTo: z
    .string()
    .regex(new RegExp(`^(${LINK_TYPES.join('|')}):.+$`), 'must look like contact:<id>')
    .optional()
    .meta({
      description: 'Emails linked to this record: contact:<id>, account:<id>, lead:<id> or deal:<id>.',
    }),
  q: z.string().max(256).optional().meta({ description: 'Part of the subject.' }),
});

export type Email = z.infer<typeof emailSchema>;
export type EmailCreate = z.infer<typeof emailCreateSchema>;
export type EmailUpdate = z.infer<typeof emailUpdateSchema>;
export type EmailFilter = z.infer<typeof emailFilterSchema>;

export const emailDefinition: RecordDefinition = {
  name: 'emails',
  recordType: 'email',
  table: 'emails',
  label: 'email',
  schemas: {
    output: emailSchema,
    create: emailCreateSchema,
    update: emailUpdateSchema,
    filter: emailFilterSchema,
  },
  columns: {
    messageId: text('message_id'),
    from: json('from_address'),
    to: json('to_addresses'),
    cc: json('cc_addresses'),
    subject: text('subject'),
    htmlBody: text('html_body'),
    textBody: text('text_body'),
    sentAt: inst('sent_at'),
    receivedAt: inst('received_at'),
  },
  defaults: () => ({
    from: null,
    to: [],
    cc: [],
    subject: '',
    htmlBody: null,
    textBody: null,
    sentAt: null,
    receivedAt: null,
  }),
  children: [emailLinks],
  async validateWrite(ctx, records, pathOf) {
    // The journal lock is held, so checking first is race-free and gives a clear error.
    const seen = new Map<string, number>();
    const db = ctx.trx as unknown as AnyDb;
    for (const { index, id, record } of records) {
      const owner = (record.ownerId as string | undefined) ?? ctx.principal.userId;
      const key = `${owner}\n${record.messageId}`;
      let clash = seen.has(key);
      seen.set(key, index);
      if (!clash) {
        let query = db
          .selectFrom('emails')
          .select('id')
          .where('owner_id', '=', owner)
          .where('message_id', '=', record.messageId);
        if (id) query = query.where('id', '!=', id);
        clash = (await query.executeTakeFirst()) !== undefined;
      }
      if (clash) {
        throw new CrmError(
          'conflict',
          `An email with Message-ID ${record.messageId} already exists for this owner.`,
          [{ path: pathOf(index, 'messageId'), message: 'already exists' }],
        );
      }
    }
  },
  applyFilter(query, filter) {
    let q = query;
    if (filter.messageId) q = q.where('emails.message_id', '=', filter.messageId);
    if (filter.linkedTo) {
      const [type, ...rest] = (filter.linkedTo as string).split(':');
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('email_links')
            .select(sql`1`.as('one'))
            .whereRef('email_links.email_id', '=', 'emails.id')
            .where('email_links.record_type', '=', type)
            .where('email_links.record_id', '=', rest.join(':')),
        ),
      );
    }
    if (filter.q) q = q.where(columnContains('emails.subject', containsPattern(filter.q)));
    return q;
  },
};
