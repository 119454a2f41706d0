// Links from an email to the contacts, accounts, leads and deals it concerns (D1). Links are a
// set; they come back ordered by type and id.
import { z } from 'zod';
import { TABLE_OF, visibleTo } from './access.ts';
import type { AnyDb, ChildCollection } from './definition.ts';
import { invalidReference } from './errors.ts';
import { idSchema } from './fields.ts';
import { chunk, insertRows } from './repository.ts';

export const LINK_TYPES = ['contact', 'account', 'lead', 'deal'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export const emailLinkSchema = z.strictObject({ type: z.enum(LINK_TYPES), id: idSchema });
export type EmailLink = z.infer<typeof emailLinkSchema>;

const order = (a: EmailLink, b: EmailLink) =>
  a.type === b.type ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.type < b.type ? -1 : 1;

export const emailLinks: ChildCollection = {
  field: 'links',
  empty: [],

  async resolve(ctx, values, pathOf) {
    const db = ctx.trx as unknown as AnyDb;
    const visible = new Set<string>();
    for (const type of LINK_TYPES) {
      const ids = [
        ...new Set(
          values.flatMap((v) =>
            ((v.value as EmailLink[]) ?? []).filter((l) => l.type === type).map((l) => l.id),
          ),
        ),
      ];
      const table = TABLE_OF[type];
      for (const part of chunk(ids, 500)) {
        const rows = await db
          .selectFrom(table)
          .select(`${table}.id as id`)
          .where(`${table}.id`, 'in', part)
          .where(visibleTo(ctx.principal, type, table))
          .execute();
        for (const r of rows) visible.add(`${type}:${r.id}`);
      }
    }
    return values.map((v) => {
      const seen = new Map<string, EmailLink>();
      ((v.value as EmailLink[]) ?? []).forEach((link, position) => {
        const key = `${link.type}:${link.id}`;
        if (!visible.has(key)) {
          throw invalidReference(
            pathOf(v.index, 'links', position, 'id'),
            `no ${link.type} with id "${link.id}" exists or you have no access to it`,
          );
        }
        seen.set(key, { type: link.type, id: link.id });
      });
      return [...seen.values()].sort(order);
    });
  },

  async load(db, _principal, ids) {
    const rows = await db.selectFrom('email_links').selectAll().where('email_id', 'in', ids).execute();
    const out = new Map<string, { links: EmailLink[] }>();
    for (const id of ids) out.set(id, { links: [] });
    for (const r of rows) out.get(r.email_id)!.links.push({ type: r.record_type, id: r.record_id });
    for (const entry of out.values()) entry.links.sort(order);
    return out;
  },

  none: () => ({ links: [] }),

  equals(current, resolved) {
    return JSON.stringify(current.links) === JSON.stringify(resolved);
  },

  async insert(ctx, entries) {
    await insertRows(
      ctx.trx,
      'email_links',
      entries.flatMap((e) =>
        (e.value as EmailLink[]).map((l) => ({ email_id: e.id, record_type: l.type, record_id: l.id })),
      ),
    );
  },

  async replace(ctx, id, value) {
    await ctx.trx.deleteFrom('email_links').where('email_id', '=', id).execute();
    await this.insert(ctx, [{ id, value }]);
  },
};
