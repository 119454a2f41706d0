import { ianaZoneOrUtc, plainLocal, zonedToUtc } from '@exsync/common/time';
import type { Importance, NeutralTask, TaskStatus } from '../../types.ts';
import { bodyFromGraph, bodyToGraph, zonedFromGraph, zonedToGraph } from './common.ts';
import { bool, compact, type Json, nonEmptyString, objectOrEmpty, oneOf, strings } from './json.ts';

const STATUS: readonly TaskStatus[] = [
  'notStarted',
  'inProgress',
  'completed',
  'waitingOnOthers',
  'deferred',
];
const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];

export function taskFromGraph(json: Json): NeutralTask {
  const reminder = bool(json.isReminderOn) ? objectOrEmpty(json.reminderDateTime) : undefined;
  const reminderLocal = nonEmptyString(reminder?.dateTime);
  return compact({
    subject: nonEmptyString(json.title) ?? '',
    body: bodyFromGraph(json.body),
    start: zonedFromGraph(json.startDateTime),
    due: zonedFromGraph(json.dueDateTime),
    status: oneOf(json.status, STATUS, 'notStarted'),
    importance: oneOf(json.importance, IMPORTANCE, 'normal'),
    reminderAt: reminderLocal
      ? zonedToUtc(plainLocal(reminderLocal), ianaZoneOrUtc(nonEmptyString(reminder?.timeZone)))
      : undefined,
    categories: strings(json.categories),
    completed: zonedFromGraph(json.completedDateTime),
  });
}

export function taskToGraph(t: NeutralTask): Json {
  return {
    title: t.subject,
    body: bodyToGraph(t.body),
    status: t.status,
    importance: t.importance,
    categories: t.categories,
    startDateTime: t.start ? zonedToGraph(t.start) : null,
    dueDateTime: t.due ? zonedToGraph(t.due) : null,
    completedDateTime: t.completed ? zonedToGraph(t.completed) : null,
    isReminderOn: t.reminderAt !== undefined,
    reminderDateTime: t.reminderAt ? { dateTime: t.reminderAt.replace(/Z$/, ''), timeZone: 'UTC' } : null,
  };
}
