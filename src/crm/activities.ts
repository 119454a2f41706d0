// Activities (F1, C4–C7): meetings and tasks. "Show in calendar" decides how the sync exports
// one (meeting/appointment or task). Times are instants stored in UTC plus the IANA zone the
// activity was planned in; participants, recurrence and activity groups come with it.
import { sql } from 'kysely';
import { z } from 'zod';
import type { AnyRow, RecordDefinition } from './definition.ts';
import { flag, inst, json, num, text } from './definition.ts';
import {
  allOptional,
  categories,
  groupRef,
  idList,
  idSchema,
  ifVersion,
  instant,
  LIMITS,
  listFilterBase,
  longText,
  nameText,
  ownerIdInput,
  recordBase,
  reminderMinutes,
  shortText,
  timeZone,
} from './fields.ts';
import { groupMembership } from './memberships.ts';
import { participantList, participantSchema, participants } from './participants.ts';
import { normaliseRecurrence, recurrenceSchema } from './recurrence.ts';
import { columnContains, containsPattern } from './search.ts';
import { SHOW_AS } from './show-as.ts';

export const ACTIVITY_KINDS = ['meeting', 'task'] as const;
export const ACTIVITY_STATUSES = [
  'planned',
  'in_progress',
  'completed',
  'cancelled',
  'waiting',
  'deferred',
] as const;
export const PRIORITIES = ['low', 'normal', 'high'] as const;
export { SHOW_AS };

const activityFields = {
  kind: z.enum(ACTIVITY_KINDS),
  showInCalendar: z.boolean().meta({
    description:
      'Exported as a meeting/appointment when true, as a task otherwise. Defaults to kind = meeting.',
  }),
  subject: nameText.min(1),
  startsAt: instant.nullable(),
  endsAt: instant.nullable().meta({ description: 'End of a meeting, due time of a task.' }),
  timeZone: timeZone,
  allDay: z.boolean(),
  location: shortText.nullable(),
  body: longText.nullable(),
  bodyType: z.enum(['text', 'html']),
  status: z.enum(ACTIVITY_STATUSES),
  priority: z.enum(PRIORITIES),
  reminderMinutes: reminderMinutes.meta({ description: 'Minutes before the start; null for no reminder.' }),
  percentComplete: z.number().int().min(0).max(100).nullable(),
  completedAt: instant.nullable(),
  showAs: z.enum(SHOW_AS),
  onlineMeetingUrl: z.string().trim().max(LIMITS.url).nullable(),
  categories,
  recurrence: recurrenceSchema.nullable(),
  groupIds: idList.meta({ description: 'Activity groups the activity belongs to (those you can see).' }),
};

const writeFields = { ...activityFields, participants: participantList };

export const activitySchema = z.strictObject({
  ...recordBase,
  ...activityFields,
  participants: z.array(participantSchema),
  groups: z.array(groupRef),
});
export const activityCreateSchema = z.strictObject({
  ...allOptional(writeFields),
  kind: activityFields.kind,
  subject: activityFields.subject,
  ownerId: ownerIdInput.optional(),
});
export const activityUpdateSchema = z.strictObject({
  ...allOptional(writeFields),
  ownerId: ownerIdInput.optional(),
  ifVersion: ifVersion.optional(),
});
export const activityFilterSchema = z.strictObject({
  ...listFilterBase,
  kind: z.enum(ACTIVITY_KINDS).optional(),
  from: instant
    .optional()
    .meta({ description: 'Activities ending at or after this instant (recurring ones included).' }),
  to: instant
    .optional()
    .meta({ description: 'Activities starting (tasks without a start: due) before this instant.' }),
  groupId: idSchema.optional(),
  q: z.string().max(256).optional().meta({ description: 'Part of the subject.' }),
  showInCalendar: z.enum(['true', 'false']).optional(),
  participantId: idSchema
    .optional()
    .meta({ description: 'Activities with this user, contact or lead among their participants.' }),
  accountId: idSchema
    .optional()
    .meta({ description: "Activities with one of this account's contacts among their participants." }),
});

export type Activity = z.infer<typeof activitySchema>;
export type ActivityCreate = z.infer<typeof activityCreateSchema>;
export type ActivityUpdate = z.infer<typeof activityUpdateSchema>;
export type ActivityFilter = z.infer<typeof activityFilterSchema>;

const utc = (value: unknown) => (typeof value === 'string' ? new Date(value).getTime() : undefined);

export const activityDefinition: RecordDefinition = {
  name: 'activities',
  recordType: 'activity',
  table: 'activities',
  label: 'activity',
  schemas: {
    output: activitySchema,
    create: activityCreateSchema,
    update: activityUpdateSchema,
    filter: activityFilterSchema,
  },
  columns: {
    kind: text('kind'),
    showInCalendar: flag('show_in_calendar'),
    subject: text('subject'),
    startsAt: inst('starts_at'),
    endsAt: inst('ends_at'),
    timeZone: text('time_zone'),
    allDay: flag('all_day'),
    location: text('location'),
    body: text('body'),
    bodyType: text('body_type'),
    status: text('status'),
    priority: text('priority'),
    reminderMinutes: num('reminder_minutes'),
    percentComplete: num('percent_complete'),
    completedAt: inst('completed_at'),
    showAs: text('show_as'),
    onlineMeetingUrl: text('online_meeting_url'),
    categories: json('categories'),
    recurrence: json('recurrence'),
  },
  defaults: (input: AnyRow) => ({
    showInCalendar: input.kind === 'meeting',
    startsAt: null,
    endsAt: null,
    timeZone: 'UTC',
    allDay: false,
    location: null,
    body: null,
    bodyType: 'text',
    status: 'planned',
    priority: 'normal',
    reminderMinutes: null,
    percentComplete: null,
    completedAt: null,
    showAs: 'busy',
    onlineMeetingUrl: null,
    categories: [],
    recurrence: null,
  }),
  normalise: (input) =>
    'recurrence' in input ? { ...input, recurrence: normaliseRecurrence(input.recurrence) } : input,
  check(record) {
    const details = [];
    const start = utc(record.startsAt);
    const end = utc(record.endsAt);
    if (start !== undefined && end !== undefined && end < start) {
      details.push({ path: 'endsAt', message: 'must not be before startsAt' });
    }
    if (record.recurrence && start === undefined) {
      details.push({ path: 'recurrence', message: 'a recurring activity needs startsAt' });
    }
    return details;
  },
  sorts: { subject: 'subject', start: 'starts_at', changed: 'updated_at' },
  children: [participants, groupMembership('activity')],
  applyFilter(query, filter) {
    let q = query;
    if (filter.kind) q = q.where('activities.kind', '=', filter.kind);
    if (filter.showInCalendar)
      q = q.where('activities.show_in_calendar', '=', filter.showInCalendar === 'true');
    if (filter.to) {
      // A task may have a due time only; it belongs where it is due.
      const to = new Date(filter.to).toISOString();
      q = q.where(sql<boolean>`coalesce(activities.starts_at, activities.ends_at) < ${to}`);
    }
    if (filter.from) {
      const from = new Date(filter.from).toISOString();
      // A series may have occurrences in the range although its first one ends before it.
      q = q.where((eb) =>
        eb.or([
          eb('activities.recurrence', 'is not', null),
          sql<boolean>`coalesce(activities.ends_at, activities.starts_at) >= ${from}`,
        ]),
      );
    }
    if (filter.groupId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members')
            .select(sql`1`.as('one'))
            .where('group_members.group_id', '=', filter.groupId)
            .whereRef('group_members.record_id', '=', 'activities.id'),
        ),
      );
    }
    if (filter.participantId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('activity_participants')
            .select(sql`1`.as('one'))
            .where('activity_participants.participant_id', '=', filter.participantId)
            .whereRef('activity_participants.activity_id', '=', 'activities.id'),
        ),
      );
    }
    if (filter.accountId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('activity_participants')
            .innerJoin('contacts', 'contacts.id', 'activity_participants.participant_id')
            .select(sql`1`.as('one'))
            .where('activity_participants.participant_type', '=', 'contact')
            .where('contacts.account_id', '=', filter.accountId)
            .whereRef('activity_participants.activity_id', '=', 'activities.id'),
        ),
      );
    }
    if (filter.q) q = q.where(columnContains('activities.subject', containsPattern(filter.q)));
    return q;
  },
};
