// Tasks ⇄ EWS TaskType.

import type { Item, TaskData, TaskStatus } from '../../model.ts';
import { formatDateTime, parseDateTime, toIso } from '../time/datetime.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { leaf } from '../xml/write.ts';
import { readBody, readBool, readCategories, readImportance, readInt, type WriteOptions } from './common.ts';
import { itemBaseProps } from './item-base.ts';
import { readRecurrence, recurrenceXml } from './recurrence.ts';
import type { Prop } from './shape.ts';

const STATUS_OUT: Record<TaskStatus, string> = {
  notStarted: 'NotStarted',
  inProgress: 'InProgress',
  completed: 'Completed',
  waitingOnOthers: 'WaitingOnOthers',
  deferred: 'Deferred',
};
const STATUS_DESCRIPTION: Record<TaskStatus, string> = {
  notStarted: 'Not Started',
  inProgress: 'In Progress',
  completed: 'Completed',
  waitingOnOthers: 'Waiting on someone else',
  deferred: 'Deferred',
};

function readStatus(text: string | undefined): TaskStatus | undefined {
  if (text === undefined) return undefined;
  const found = (Object.entries(STATUS_OUT) as Array<[TaskStatus, string]>).find(([, v]) => v === text);
  return found ? found[0] : 'notStarted';
}

/** Task dates are calendar dates; EWS carries them as midnight dateTimes. */
function dateAsDateTime(date: string | undefined, o: WriteOptions): string | undefined {
  return date === undefined ? undefined : formatDateTime(`${date}T00:00:00Z`, o.precision);
}

export function taskProps(item: Item<'task'>, o: WriteOptions): Prop[] {
  const t = item.data;
  const base = itemBaseProps(
    {
      id: item.id,
      changeKey: item.changeKey,
      folderId: item.folderId,
      itemClass: 'IPM.Task',
      subject: t.subject,
      sensitivity: 'normal',
      body: t.body,
      categories: t.categories,
      extendedProperties: t.extendedProperties,
      importance: t.importance,
      dateTimeCreated: item.createdDateTime,
      reminderDueBy: t.reminderDateTime,
      reminderIsSet: t.isReminderOn,
      lastModifiedTime: item.lastModifiedDateTime,
    },
    o,
  );
  const own: Prop[] = [
    { uri: 'task:ChangeCount', xml: leaf('t:ChangeCount', 1) },
    {
      uri: 'task:CompleteDate',
      xml: t.completedDateTime
        ? leaf('t:CompleteDate', formatDateTime(t.completedDateTime, o.precision))
        : '',
      dflt: true,
    },
    { uri: 'task:DelegationState', xml: leaf('t:DelegationState', 'NoMatch') },
    { uri: 'task:DueDate', xml: leaf('t:DueDate', dateAsDateTime(t.dueDate, o)), dflt: true },
    { uri: 'task:IsAssignmentEditable', xml: leaf('t:IsAssignmentEditable', 0) },
    { uri: 'task:IsComplete', xml: leaf('t:IsComplete', t.status === 'completed'), dflt: true },
    { uri: 'task:IsRecurring', xml: leaf('t:IsRecurring', t.recurrence !== undefined), dflt: true },
    { uri: 'task:IsTeamTask', xml: leaf('t:IsTeamTask', false) },
    { uri: 'task:Owner', xml: leaf('t:Owner', t.owner), dflt: true },
    { uri: 'task:PercentComplete', xml: leaf('t:PercentComplete', t.percentComplete), dflt: true },
    { uri: 'task:Recurrence', xml: t.recurrence ? recurrenceXml(t.recurrence) : '' },
    { uri: 'task:StartDate', xml: leaf('t:StartDate', dateAsDateTime(t.startDate, o)), dflt: true },
    { uri: 'task:Status', xml: leaf('t:Status', STATUS_OUT[t.status]), dflt: true },
    {
      uri: 'task:StatusDescription',
      xml: leaf('t:StatusDescription', STATUS_DESCRIPTION[t.status]),
      dflt: true,
    },
  ];
  return [...base.head, ...base.tail, ...own];
}

export function readTask(task: XElement, contextZone: string | undefined): Partial<TaskData> {
  const out: Partial<TaskData> = {};
  const text = (name: string) => childText(task, name);
  const subject = text('Subject');
  if (subject !== undefined) out.subject = subject;
  const body = readBody(childElement(task, 'Body'));
  if (body) out.body = body;
  const start = text('StartDate');
  if (start !== undefined) out.startDate = start.slice(0, 10);
  const due = text('DueDate');
  if (due !== undefined) out.dueDate = due.slice(0, 10);
  const status = readStatus(text('Status'));
  if (status) out.status = status;
  const importance = readImportance(text('Importance'));
  if (importance) out.importance = importance;
  const percent = readInt(text('PercentComplete'));
  if (percent !== undefined) out.percentComplete = percent;
  const reminder = readBool(text('ReminderIsSet'));
  if (reminder !== undefined) out.isReminderOn = reminder;
  const reminderDue = text('ReminderDueBy');
  if (reminderDue !== undefined) out.reminderDateTime = toIso(parseDateTime(reminderDue, contextZone));
  const categories = readCategories(childElement(task, 'Categories'));
  if (categories) out.categories = categories;
  const complete = text('CompleteDate');
  if (complete !== undefined) out.completedDateTime = toIso(parseDateTime(complete, contextZone));
  const recurrence = childElement(task, 'Recurrence');
  if (recurrence) out.recurrence = readRecurrence(recurrence);
  return out;
}

/** Keeps status, percent complete and completion date consistent, as Exchange does. */
export function normaliseTask(t: TaskData, now: string): TaskData {
  if (t.status === 'completed') {
    return { ...t, percentComplete: 100, completedDateTime: t.completedDateTime ?? now };
  }
  if (t.percentComplete >= 100)
    return { ...t, status: 'completed', percentComplete: 100, completedDateTime: t.completedDateTime ?? now };
  return t.completedDateTime ? { ...t, completedDateTime: undefined } : t;
}

export const TASK_FIELDS: Record<string, Array<keyof TaskData>> = {
  'item:Subject': ['subject'],
  'item:Body': ['body'],
  'item:Categories': ['categories'],
  'item:Importance': ['importance'],
  'item:ReminderIsSet': ['isReminderOn'],
  'item:ReminderDueBy': ['reminderDateTime'],
  'task:StartDate': ['startDate'],
  'task:DueDate': ['dueDate'],
  'task:Status': ['status'],
  'task:PercentComplete': ['percentComplete'],
  'task:CompleteDate': ['completedDateTime'],
  'task:Recurrence': ['recurrence'],
};
