import { utcToZoned, zonedToUtc } from '@exsync/common/time';
import { compact } from '../../graph/mapping/json.ts';
import type { NeutralTask, TaskStatus, ZonedDateTime } from '../../types.ts';
import { el, leaf, text, type XNode } from '../xml.ts';
import {
  bodyFromEws,
  bodyToEws,
  boolText,
  categoriesFromEws,
  categoriesToEws,
  type FieldChange,
  isoInstant,
} from './common.ts';

const STATUS: Record<string, TaskStatus> = {
  NotStarted: 'notStarted',
  InProgress: 'inProgress',
  Completed: 'completed',
  WaitingOnOthers: 'waitingOnOthers',
  Deferred: 'deferred',
};
const STATUS_EWS = Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [v, k]));
const zoned = (v: string | undefined): ZonedDateTime | undefined => {
  const iso = isoInstant(v);
  return iso ? { dateTime: utcToZoned(iso, 'UTC'), timeZone: 'UTC' } : undefined;
};
const instant = (z: ZonedDateTime | undefined) => (z ? zonedToUtc(z.dateTime, z.timeZone) : undefined);
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

export function taskFromEws(n: XNode): NeutralTask {
  const percent = text(n, 'PercentComplete');
  return compact({
    subject: text(n, 'Subject') ?? '',
    body: bodyFromEws(n),
    start: zoned(text(n, 'StartDate')),
    due: zoned(text(n, 'DueDate')),
    status: STATUS[text(n, 'Status') ?? ''] ?? 'notStarted',
    importance: (text(n, 'Importance')?.toLowerCase() as NeutralTask['importance'] | undefined) ?? 'normal',
    percentComplete: percent === undefined ? undefined : Number(percent),
    reminderAt: boolText(text(n, 'ReminderIsSet')) ? isoInstant(text(n, 'ReminderDueBy')) : undefined,
    categories: categoriesFromEws(n),
    completed: zoned(text(n, 'CompleteDate')),
    owner: text(n, 'Owner'),
  });
}

export function taskToEws(t: NeutralTask): string {
  return el(
    't:Task',
    null,
    leaf('t:Subject', t.subject),
    bodyToEws(t.body),
    categoriesToEws(t.categories),
    leaf('t:Importance', cap(t.importance)),
    leaf('t:ReminderDueBy', t.reminderAt),
    leaf('t:ReminderIsSet', t.reminderAt !== undefined),
    leaf('t:CompleteDate', instant(t.completed)),
    leaf('t:DueDate', instant(t.due)),
    leaf('t:PercentComplete', t.percentComplete ?? (t.status === 'completed' ? 100 : undefined)),
    leaf('t:StartDate', instant(t.start)),
    leaf('t:Status', STATUS_EWS[t.status]),
  );
}

export function taskChanges(t: NeutralTask): FieldChange[] {
  const set = (uri: string, xml: string): FieldChange => ({ uri, xml: xml || undefined });
  return [
    set('item:Subject', leaf('t:Subject', t.subject)),
    set('item:Body', bodyToEws(t.body)),
    set('item:Categories', categoriesToEws(t.categories)),
    set('item:Importance', leaf('t:Importance', cap(t.importance))),
    ...(t.reminderAt ? [set('item:ReminderDueBy', leaf('t:ReminderDueBy', t.reminderAt))] : []),
    set('item:ReminderIsSet', leaf('t:ReminderIsSet', t.reminderAt !== undefined)),
    set('task:DueDate', leaf('t:DueDate', instant(t.due))),
    ...(t.percentComplete !== undefined
      ? [set('task:PercentComplete', leaf('t:PercentComplete', t.percentComplete))]
      : []),
    set('task:StartDate', leaf('t:StartDate', instant(t.start))),
    set('task:Status', leaf('t:Status', STATUS_EWS[t.status])),
  ];
}
