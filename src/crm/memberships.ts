// Group membership as a field of the member (contact.groupIds, activity.groupIds). A principal
// only sees, and only replaces, memberships in groups visible to them: writing groupIds never
// removes a record from a group the writer cannot see.
import type { ExpressionBuilder } from 'kysely';
import { visibleTo } from './access.ts';
import type { AnyDb, ChildCollection } from './definition.ts';
import { invalidReference } from './errors.ts';
import { chunk, insertRows } from './repository.ts';

// biome-ignore lint/suspicious/noExplicitAny: group_members is reached through a generic executor
type AnyEb = ExpressionBuilder<any, any>;

export function groupMembership(kind: 'contact' | 'activity'): ChildCollection {
  return {
    field: 'groupIds',
    empty: [],

    async resolve(ctx, values, pathOf) {
      const lists = values.map((v) => [...new Set((v.value as string[] | null) ?? [])]);
      const wanted = [...new Set(lists.flat())];
      const visible = new Set<string>();
      const db = ctx.trx as unknown as AnyDb;
      for (const part of chunk(wanted, 500)) {
        const rows = await db
          .selectFrom('groups')
          .select('groups.id')
          .where('groups.id', 'in', part)
          .where('groups.kind', '=', kind)
          .where(visibleTo(ctx.principal, 'group', 'groups'))
          .execute();
        for (const r of rows) visible.add(r.id as string);
      }
      lists.forEach((ids, i) => {
        const k = ids.findIndex((id) => !visible.has(id));
        if (k >= 0) {
          const position = ((values[i].value as string[]) ?? []).indexOf(ids[k]);
          throw invalidReference(
            pathOf(values[i].index, 'groupIds', position),
            `no ${kind} group with id "${ids[k]}" exists or you have no access to it`,
          );
        }
      });
      return lists;
    },

    async load(db, principal, ids) {
      const rows = await (db as unknown as AnyDb)
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['group_members.record_id as record_id', 'groups.id as id', 'groups.name as name'])
        .where('group_members.record_id', 'in', ids)
        .where('groups.kind', '=', kind)
        .where(visibleTo(principal, 'group', 'groups'))
        .orderBy('groups.name')
        .orderBy('groups.id')
        .execute();
      const out = new Map<string, { groupIds: string[]; groups: Array<{ id: string; name: string }> }>();
      for (const r of rows) {
        let entry = out.get(r.record_id);
        if (!entry) {
          entry = { groupIds: [], groups: [] };
          out.set(r.record_id, entry);
        }
        entry.groupIds.push(r.id);
        entry.groups.push({ id: r.id, name: r.name });
      }
      for (const id of ids) if (!out.has(id)) out.set(id, { groupIds: [], groups: [] });
      return out;
    },

    none: () => ({ groupIds: [], groups: [] }),

    equals(current, resolved) {
      const a = new Set(current.groupIds as string[]);
      const b = resolved as string[];
      return a.size === b.length && b.every((id) => a.has(id));
    },

    async insert(ctx, entries) {
      await insertRows(
        ctx.trx,
        'group_members',
        entries.flatMap((e) =>
          (e.value as string[]).map((groupId) => ({ group_id: groupId, record_id: e.id })),
        ),
      );
    },

    async replace(ctx, id, value) {
      const db = ctx.trx as unknown as AnyDb;
      await db
        .deleteFrom('group_members')
        .where('record_id', '=', id)
        .where('group_id', 'in', (eb: AnyEb) =>
          eb
            .selectFrom('groups')
            .select('groups.id')
            .where('groups.kind', '=', kind)
            .where(visibleTo(ctx.principal, 'group', 'groups')),
        )
        .execute();
      await insertRows(
        ctx.trx,
        'group_members',
        (value as string[]).map((groupId) => ({ group_id: groupId, record_id: id })),
      );
    },
  };
}
