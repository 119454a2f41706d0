// Activity participants: users, contacts or leads by reference, or bare email addresses, each
// with a role and a response. The email and name of a referenced record are copied in when not
// given, so that the sync has an address to send and attendee matching (C8) has one to compare.
import { z } from 'zod';
import { visibleTo } from './access.ts';
import type { AnyDb, AnyRow, ChildCollection } from './definition.ts';
import { invalidReference } from './errors.ts';
import { emailAddress, idSchema, LIMITS, nameText } from './fields.ts';
import { chunk, insertRows } from './repository.ts';

export const PARTICIPANT_ROLES = ['organizer', 'required', 'optional', 'resource'] as const;
export const PARTICIPANT_RESPONSES = ['none', 'accepted', 'tentative', 'declined'] as const;

export const participantInputSchema = z
  .strictObject({
    type: z.enum(['user', 'contact', 'lead', 'email']),
    id: idSchema.optional().meta({ description: 'Required unless type is email.' }),
    email: emailAddress.optional().meta({ description: 'Required when type is email.' }),
    name: nameText.optional(),
    role: z.enum(PARTICIPANT_ROLES).optional().meta({ description: 'Defaults to required.' }),
    response: z.enum(PARTICIPANT_RESPONSES).optional().meta({ description: 'Defaults to none.' }),
  })
  .superRefine((p, ctx) => {
    if (p.type === 'email' && !p.email)
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'required when type is email' });
    if (p.type !== 'email' && !p.id)
      ctx.addIssue({ code: 'custom', path: ['id'], message: `required when type is ${p.type}` });
  });

export const participantSchema = z.strictObject({
  type: z.enum(['user', 'contact', 'lead', 'email']),
  id: idSchema.nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role: z.enum(PARTICIPANT_ROLES),
  response: z.enum(PARTICIPANT_RESPONSES),
});
export type Participant = z.infer<typeof participantSchema>;

export const participantList = z.array(participantInputSchema).max(LIMITS.entries * 10);

type Input = z.infer<typeof participantInputSchema>;

function firstEmail(json: string | null): string | null {
  const list = json ? (JSON.parse(json) as Array<{ address: string }>) : [];
  return list[0]?.address ?? null;
}

export const participants: ChildCollection = {
  field: 'participants',
  empty: [],

  async resolve(ctx, values, pathOf) {
    const db = ctx.trx as unknown as AnyDb;
    const found = {
      user: new Map<string, AnyRow>(),
      contact: new Map<string, AnyRow>(),
      lead: new Map<string, AnyRow>(),
    };
    const wanted = { user: new Set<string>(), contact: new Set<string>(), lead: new Set<string>() };
    for (const v of values)
      for (const p of (v.value as Input[] | null) ?? []) if (p.type !== 'email') wanted[p.type].add(p.id!);
    for (const part of chunk([...wanted.user], 500)) {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'email', 'display_name'])
        .where('id', 'in', part)
        .execute();
      for (const r of rows) found.user.set(r.id, { email: r.email, name: r.display_name });
    }
    for (const [type, table] of [
      ['contact', 'contacts'],
      ['lead', 'leads'],
    ] as const) {
      for (const part of chunk([...wanted[type]], 500)) {
        const rows = await db
          .selectFrom(table)
          .select([`${table}.id as id`, `${table}.emails as emails`, `${table}.display_name as display_name`])
          .where(`${table}.id`, 'in', part)
          .where(visibleTo(ctx.principal, type, table))
          .execute();
        for (const r of rows) found[type].set(r.id, { email: firstEmail(r.emails), name: r.display_name });
      }
    }
    return values.map((v) =>
      ((v.value as Input[] | null) ?? []).map((p, position): Participant => {
        let email = p.email ?? null;
        let name = p.name ?? null;
        if (p.type !== 'email') {
          const record = found[p.type].get(p.id!);
          if (!record) {
            throw invalidReference(
              pathOf(v.index, 'participants', position, 'id'),
              `no ${p.type} with id "${p.id}" exists or you have no access to it`,
            );
          }
          email ??= record.email;
          name ??= record.name;
        }
        return {
          type: p.type,
          id: p.type === 'email' ? null : p.id!,
          email: email ? email.toLowerCase() : null,
          name,
          role: p.role ?? 'required',
          response: p.response ?? 'none',
        };
      }),
    );
  },

  async load(db, _principal, ids) {
    const rows = await db
      .selectFrom('activity_participants')
      .selectAll()
      .where('activity_id', 'in', ids)
      .orderBy('activity_id')
      .orderBy('position')
      .execute();
    const out = new Map<string, { participants: Participant[] }>();
    for (const id of ids) out.set(id, { participants: [] });
    for (const r of rows) {
      out.get(r.activity_id)!.participants.push({
        type: r.participant_type,
        id: r.participant_id,
        email: r.email,
        name: r.name,
        role: r.role,
        response: r.response,
      });
    }
    return out;
  },

  none: () => ({ participants: [] }),

  equals(current, resolved) {
    return JSON.stringify(current.participants) === JSON.stringify(resolved);
  },

  async insert(ctx, entries) {
    await insertRows(
      ctx.trx,
      'activity_participants',
      entries.flatMap((e) =>
        (e.value as Participant[]).map((p, position) => ({
          activity_id: e.id,
          position,
          participant_type: p.type,
          participant_id: p.id,
          email: p.email,
          name: p.name,
          role: p.role,
          response: p.response,
        })),
      ),
    );
  },

  async replace(ctx, id, value) {
    await ctx.trx.deleteFrom('activity_participants').where('activity_id', '=', id).execute();
    await this.insert(ctx, [{ id, value }]);
  },
};
