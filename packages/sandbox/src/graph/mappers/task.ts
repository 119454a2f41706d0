// todoTask ⇄ TaskData. To Do keeps due and start as dates: they leave as midnight UTC and only
// the date part of what a client sends is kept. A todoTask has an ETag but no changeKey.
import type { Importance, Item, TaskData, TaskStatus } from '../../model.ts';
import { fromDateTimeTimeZone, toDateTimeTimeZone } from '../time.ts';
import {
  bodyFromGraph,
  bodyToGraph,
  etagOf,
  invalidProperty,
  type Json,
  optBoolean,
  optEnum,
  optString,
  optStringArray,
  rejectUnknown,
} from './common.ts';
import { recurrenceFromGraph, recurrenceToGraph } from './event.ts';

const ENTITY = 'todoTask';
const STATUSES: readonly TaskStatus[] = [
  'notStarted',
  'inProgress',
  'completed',
  'waitingOnOthers',
  'deferred',
];
const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];
const KNOWN = new Set([
  'id',
  'title',
  'body',
  'status',
  'importance',
  'dueDateTime',
  'startDateTime',
  'reminderDateTime',
  'completedDateTime',
  'isReminderOn',
  'categories',
  'recurrence',
  'createdDateTime',
  'lastModifiedDateTime',
  'bodyLastModifiedDateTime',
  'hasAttachments',
]);

export function taskToGraph(
  item: Item<'task'>,
  view: { timeZone?: string; bodyContentType?: 'text' | 'html' } = {},
): Json {
  const d = item.data;
  const out: Json = {
    '@odata.etag': etagOf(item.changeKey),
    id: item.id,
    importance: d.importance,
    isReminderOn: d.isReminderOn,
    status: d.status,
    title: d.subject,
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    hasAttachments: false,
    categories: [...d.categories],
    bodyLastModifiedDateTime: item.lastModifiedDateTime,
    body: bodyToGraph(d.body, view.bodyContentType),
  };
  if (d.dueDate) out.dueDateTime = { dateTime: `${d.dueDate}T00:00:00.0000000`, timeZone: 'UTC' };
  if (d.startDate) out.startDateTime = { dateTime: `${d.startDate}T00:00:00.0000000`, timeZone: 'UTC' };
  if (d.completedDateTime) out.completedDateTime = toDateTimeTimeZone(d.completedDateTime, 'UTC');
  if (d.reminderDateTime)
    out.reminderDateTime = toDateTimeTimeZone(d.reminderDateTime, view.timeZone ?? 'UTC');
  if (d.recurrence) out.recurrence = recurrenceToGraph(d.recurrence);
  return out;
}

function dateOnly(value: unknown, key: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const dateTime = (value as Json)?.dateTime;
  if (typeof dateTime !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(dateTime)) {
    throw invalidProperty(ENTITY, key, 'a dateTimeTimeZone');
  }
  return dateTime.slice(0, 10);
}

export function taskPatchFromGraph(json: Json): Partial<TaskData> {
  rejectUnknown(json, KNOWN, ENTITY);
  const patch: Partial<TaskData> = {};
  const title = optString(json, 'title', ENTITY);
  if (title !== undefined) patch.subject = title ?? '';
  if ('body' in json) patch.body = bodyFromGraph(json.body, ENTITY);
  const status = optEnum(json, 'status', STATUSES, ENTITY);
  if (status) patch.status = status;
  const importance = optEnum(json, 'importance', IMPORTANCE, ENTITY);
  if (importance) patch.importance = importance;
  const isReminderOn = optBoolean(json, 'isReminderOn', ENTITY);
  if (isReminderOn !== undefined) patch.isReminderOn = isReminderOn;
  const categories = optStringArray(json, 'categories', ENTITY);
  if (categories) patch.categories = categories;
  if ('dueDateTime' in json) patch.dueDate = dateOnly(json.dueDateTime, 'dueDateTime');
  if ('startDateTime' in json) patch.startDate = dateOnly(json.startDateTime, 'startDateTime');
  if ('completedDateTime' in json) {
    patch.completedDateTime = json.completedDateTime
      ? fromDateTimeTimeZone(json.completedDateTime, 'completedDateTime').instant
      : undefined;
  }
  if ('reminderDateTime' in json) {
    patch.reminderDateTime = json.reminderDateTime
      ? fromDateTimeTimeZone(json.reminderDateTime, 'reminderDateTime').instant
      : undefined;
  }
  if ('recurrence' in json) patch.recurrence = recurrenceFromGraph(json.recurrence, ENTITY);
  return patch;
}

export function taskDataFromGraph(json: Json, owner: string): TaskData {
  const patch = taskPatchFromGraph(json);
  const data: TaskData = {
    subject: '',
    status: 'notStarted',
    importance: 'normal',
    percentComplete: 0,
    isReminderOn: false,
    categories: [],
    owner,
  };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (data as unknown as Json)[k] = v;
  return data;
}
