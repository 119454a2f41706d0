// Groups of contacts and groups of activities: one table, one definition per kind. Membership
// is written on the members (contact.groupIds, activity.groupIds).
import { z } from 'zod';
import type { RecordDefinition } from './definition.ts';
import { text } from './definition.ts';
import { ifVersion, listFilterBase, nameText, ownerIdInput, recordBase } from './fields.ts';
import { columnContains, containsPattern } from './search.ts';
import { touchRecords } from './touch.ts';

export const GROUP_KINDS = ['contact', 'activity'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const groupSchema = z.strictObject({
  ...recordBase,
  kind: z.enum(GROUP_KINDS).meta({ description: 'What the group holds.' }),
  name: z.string(),
});
export const groupCreateSchema = z.strictObject({ name: nameText.min(1), ownerId: ownerIdInput.optional() });
export const groupUpdateSchema = z.strictObject({
  name: nameText.min(1).optional(),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const groupFilterSchema = z.strictObject({
  ...listFilterBase,
  q: z.string().max(256).optional().meta({ description: 'Part of the name.' }),
});

export type Group = z.infer<typeof groupSchema>;
export type GroupCreate = z.infer<typeof groupCreateSchema>;
export type GroupUpdate = z.infer<typeof groupUpdateSchema>;
export type GroupFilter = z.infer<typeof groupFilterSchema>;

export function groupDefinition(kind: GroupKind): RecordDefinition {
  const memberType = kind === 'contact' ? 'contact' : 'activity';
  return {
    name: kind === 'contact' ? 'contactGroups' : 'activityGroups',
    recordType: 'group',
    table: 'groups',
    label: `${kind} group`,
    schemas: {
      output: groupSchema,
      create: groupCreateSchema,
      update: groupUpdateSchema,
      filter: groupFilterSchema,
    },
    columns: { kind: text('kind'), name: text('name') },
    fixed: { kind },
    defaults: () => ({}),
    applyFilter(query, filter) {
      return filter.q ? query.where(columnContains('groups.name', containsPattern(filter.q))) : query;
    },
    async beforeDelete(ctx, id) {
      // Members leave the group with it; their groupIds change, which the export filter (B3, C3) reads.
      const members = await ctx.trx
        .selectFrom('group_members')
        .select('record_id')
        .where('group_id', '=', id)
        .execute();
      await touchRecords(
        ctx,
        memberType,
        members.map((m) => m.record_id),
        ['groupIds'],
      );
    },
  };
}
