// Leads: prospective customers not yet contacts. They can be invited to meetings and linked
// to emails, so their addresses are in the email index.
import { sql } from 'kysely';
import { z } from 'zod';
import { deriveDisplayName } from './contacts.ts';
import type { RecordDefinition } from './definition.ts';
import { json, text } from './definition.ts';
import {
  allOptional,
  emailAddress,
  emailList,
  ifVersion,
  listFilterBase,
  longText,
  nameText,
  ownerIdInput,
  phoneList,
  recordBase,
} from './fields.ts';
import { columnContains, containsPattern } from './search.ts';
import { detachParticipants, unlinkEmails } from './touch.ts';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'disqualified', 'converted'] as const;

const leadFields = {
  givenName: nameText.nullable(),
  familyName: nameText.nullable(),
  displayName: nameText
    .min(1)
    .meta({ description: 'Defaults to the name parts, the company or the first email.' }),
  companyName: nameText.nullable(),
  jobTitle: nameText.nullable(),
  emails: emailList,
  phones: phoneList,
  status: z.enum(LEAD_STATUSES),
  source: nameText.nullable(),
  notes: longText.nullable(),
};

export const leadSchema = z.strictObject({ ...recordBase, ...leadFields });
export const leadCreateSchema = z.strictObject({
  ...allOptional(leadFields),
  ownerId: ownerIdInput.optional(),
});
export const leadUpdateSchema = z.strictObject({
  ...allOptional(leadFields),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const leadFilterSchema = z.strictObject({
  ...listFilterBase,
  q: z.string().max(256).optional().meta({ description: 'Part of the display name or company.' }),
  status: z.enum(LEAD_STATUSES).optional(),
  email: emailAddress.optional(),
});

export type Lead = z.infer<typeof leadSchema>;
export type LeadCreate = z.infer<typeof leadCreateSchema>;
export type LeadUpdate = z.infer<typeof leadUpdateSchema>;
export type LeadFilter = z.infer<typeof leadFilterSchema>;

export const leadDefinition: RecordDefinition = {
  name: 'leads',
  recordType: 'lead',
  table: 'leads',
  label: 'lead',
  schemas: {
    output: leadSchema,
    create: leadCreateSchema,
    update: leadUpdateSchema,
    filter: leadFilterSchema,
  },
  columns: {
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    companyName: text('company_name'),
    jobTitle: text('job_title'),
    emails: json('emails'),
    phones: json('phones'),
    status: text('status'),
    source: text('source'),
    notes: text('notes'),
  },
  sorts: { name: 'display_name', company: 'company_name', changed: 'updated_at' },
  defaults: (input) => ({
    givenName: null,
    familyName: null,
    companyName: null,
    jobTitle: null,
    emails: [],
    phones: [],
    status: 'new',
    source: null,
    notes: null,
    displayName: input.displayName ?? deriveDisplayName(input),
  }),
  check: (record) =>
    record.displayName
      ? []
      : [
          {
            path: 'displayName',
            message: 'give a display name, a name part, a company name or an email address',
          },
        ],
  emailIndex: {
    recordType: 'lead',
    fields: ['emails'],
    addresses: (record) => (record.emails as Array<{ address: string }>).map((e) => e.address),
  },
  applyFilter(query, filter) {
    let q = query;
    if (filter.status) q = q.where('leads.status', '=', filter.status);
    if (filter.email) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('email_index')
            .select(sql`1`.as('one'))
            .where('email_index.record_type', '=', 'lead')
            .whereRef('email_index.record_id', '=', 'leads.id')
            .where('email_index.address', '=', (filter.email as string).toLowerCase()),
        ),
      );
    }
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      q = q.where((eb) =>
        eb.or([columnContains('leads.display_name', pattern), columnContains('leads.company_name', pattern)]),
      );
    }
    return q;
  },
  async beforeDelete(ctx, id) {
    await detachParticipants(ctx, 'lead', id);
    await unlinkEmails(ctx, 'lead', id);
  },
};
