// The create/edit form of an activity: the shared record form for the plain fields, and below
// it the time (start and end in a chosen zone, or whole days), participants, recurrence and
// groups. Every refusal of the server is shown at the field it names.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { get, type Page as ListPage, patch, post } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { useLoad } from '../../components/load.tsx';
import { type FormField, RecordForm, valuesOf } from '../../components/record-form.tsx';
import { t } from '../../i18n.ts';
import type { Activity, Contact, Group, Lead, User } from '../../types.ts';
import { CHOICES_LIMIT, loadUsers } from '../contacts/directory.ts';
import {
  KINDS,
  kindLabel,
  PRIORITIES,
  priorityLabel,
  RESPONSES,
  ROLES,
  responseLabel,
  roleLabel,
  STATUSES,
  statusLabel,
} from './activity-values.tsx';
import { addDays, allDayDates, instantOf, knownZones, localOf, viewerZone } from './when.ts';

const FIELDS: FormField[] = [
  {
    name: 'kind',
    label: () => t('activities.field.kind'),
    kind: 'select',
    required: true,
    options: () => KINDS.map((k) => [k, kindLabel(k)]),
  },
  { name: 'subject', label: () => t('activities.field.subject'), required: true },
  { name: 'location', label: () => t('activities.field.location') },
  {
    name: 'status',
    label: () => t('activities.field.status'),
    kind: 'select',
    required: true,
    options: () => STATUSES.map((s) => [s, statusLabel(s)]),
  },
  {
    name: 'priority',
    label: () => t('activities.field.priority'),
    kind: 'select',
    required: true,
    options: () => PRIORITIES.map((p) => [p, priorityLabel(p)]),
  },
  {
    name: 'reminderMinutes',
    label: () => t('activities.field.reminder'),
    kind: 'number',
    hint: () => t('activities.field.reminderHint'),
  },
  { name: 'body', label: () => t('activities.field.body'), kind: 'textarea' },
];

const DEFAULTS = { kind: 'meeting', status: 'planned', priority: 'normal' };

type Rule = NonNullable<Activity['recurrence']>['rule'];
type ParticipantType = Activity['participants'][number]['type'];
const PARTICIPANT_TYPES: ParticipantType[] = ['contact', 'lead', 'user', 'email'];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;

interface Row {
  type: ParticipantType;
  id: string;
  email: string;
  name: string;
  role: string;
  response: string;
}

interface Timing {
  showInCalendar: boolean;
  allDay: boolean;
  zone: string;
  start: string;
  end: string;
}

interface Repeat {
  freq: '' | (typeof FREQS)[number];
  interval: string;
  byDay: string[];
  ends: 'never' | 'count' | 'until';
  count: string;
  until: string;
}

function timingOf(a: Activity | undefined): Timing {
  const zone = a?.timeZone && a.timeZone !== 'UTC' ? a.timeZone : (a?.timeZone ?? viewerZone());
  if (a?.allDay) {
    const days = allDayDates(a);
    return {
      showInCalendar: a.showInCalendar,
      allDay: true,
      zone,
      start: days?.first ?? '',
      end: days?.last ?? '',
    };
  }
  return {
    showInCalendar: a?.showInCalendar ?? true,
    allDay: false,
    zone,
    start: a?.startsAt ? localOf(a.startsAt, zone) : '',
    end: a?.endsAt ? localOf(a.endsAt, zone) : '',
  };
}

function repeatOf(rule: Rule | undefined): Repeat {
  return {
    freq: rule?.freq ?? '',
    interval: String(rule?.interval ?? 1),
    byDay: (rule?.byDay ?? []).filter((d) => /^[A-Z]{2}$/.test(d)),
    ends: rule?.count !== undefined ? 'count' : rule?.until !== undefined ? 'until' : 'never',
    count: rule?.count === undefined ? '' : String(rule.count),
    until: rule?.until ? rule.until.slice(0, 10) : '',
  };
}

/** The API's time fields: whole days run from midnight to the midnight after the last day. */
function timingBody(x: Timing): Record<string, unknown> {
  const at = (value: string) => (value ? instantOf(value, x.zone) : null);
  return {
    showInCalendar: x.showInCalendar,
    allDay: x.allDay,
    timeZone: x.zone,
    startsAt: at(x.start),
    endsAt: x.allDay ? (x.end || x.start ? at(addDays(x.end || x.start, 1)) : null) : at(x.end),
  };
}

/** The rule the form describes; text that is not a number is sent as is, for the server to name. */
function ruleOf(r: Repeat): Record<string, unknown> | null {
  if (!r.freq) return null;
  const number = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : text);
  return {
    freq: r.freq,
    interval: number(r.interval || '1'),
    ...(r.freq === 'WEEKLY' && r.byDay.length > 0 ? { byDay: r.byDay } : {}),
    ...(r.ends === 'count' ? { count: number(r.count) } : {}),
    ...(r.ends === 'until' && r.until ? { until: r.until } : {}),
  };
}

interface Choices {
  contact: Array<[string, string]>;
  lead: Array<[string, string]>;
  user: Array<[string, string]>;
  groups: Group[];
}

async function loadChoices(signal: AbortSignal): Promise<Choices> {
  const [contacts, leads, users, groups] = await Promise.all([
    get<ListPage<Contact>>('/api/v1/contacts', { limit: CHOICES_LIMIT, sort: 'name' }, signal),
    get<ListPage<Lead>>('/api/v1/leads', { limit: CHOICES_LIMIT, sort: 'name' }, signal),
    loadUsers(signal),
    get<ListPage<Group>>('/api/v1/activityGroups', { limit: CHOICES_LIMIT }, signal),
  ]);
  return {
    contact: contacts.items.map((c) => [c.id, c.displayName]),
    lead: leads.items.map((l) => [l.id, l.displayName]),
    user: users.map((u: User) => [u.id, u.displayName || u.email]),
    groups: groups.items,
  };
}

function Select(props: {
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (value: string) => void;
  error?: string;
}) {
  return (
    <Field label={props.label} error={props.error}>
      {(id, d) => (
        <select
          id={id}
          aria-describedby={d}
          value={props.value}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          {props.options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Check(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />{' '}
      {props.label}
    </label>
  );
}

function useActivityExtra(activity: Activity | undefined) {
  const initialTiming = timingOf(activity);
  const initialRows: Row[] = (activity?.participants ?? []).map((p) => ({
    type: p.type,
    id: p.id ?? '',
    email: p.email ?? '',
    name: p.name ?? '',
    role: p.role,
    response: p.response,
  }));
  const initialRepeat = repeatOf(activity?.recurrence?.rule);
  const initialGroups = (activity?.groupIds ?? []).slice().sort();
  const [timing, setTiming] = useState(initialTiming);
  const [rows, setRows] = useState(initialRows);
  const [repeat, setRepeat] = useState(initialRepeat);
  const [groupIds, setGroupIds] = useState(initialGroups);
  const [choices] = useLoad(loadChoices, []);
  const changed = {
    timing: JSON.stringify(timing) !== JSON.stringify(initialTiming),
    rows: JSON.stringify(rows) !== JSON.stringify(initialRows),
    repeat: JSON.stringify(repeat) !== JSON.stringify(initialRepeat),
    groups: JSON.stringify(groupIds) !== JSON.stringify(initialGroups),
  };

  const body = () => ({
    ...(activity && !changed.timing ? {} : timingBody(timing)),
    participants: rows.map((r) => ({
      type: r.type,
      // An empty choice is left out, so that the refusal says the record is required.
      ...(r.type === 'email' ? { email: r.email.trim() } : r.id ? { id: r.id } : {}),
      // A name typed for an address, or the one already stored; a record's own name otherwise.
      ...(r.name && (r.type === 'email' || activity) ? { name: r.name } : {}),
      role: r.role,
      response: r.response,
    })),
    // An unchanged series keeps its rule as stored, with parts this form does not edit.
    ...(activity && !changed.repeat
      ? {}
      : {
          recurrence: ruleOf(repeat)
            ? {
                rule: ruleOf(repeat),
                exceptions: activity?.recurrence?.exceptions ?? [],
                deletedOccurrences: activity?.recurrence?.deletedOccurrences ?? [],
              }
            : null,
        }),
    groupIds,
  });

  const setRow = (index: number, change: Partial<Row>) =>
    setRows(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));

  const children = (errorAt: (path: string) => string | undefined): ComponentChildren => {
    const zones = knownZones();
    const timeType = timing.allDay ? 'date' : 'datetime-local';
    return (
      <>
        <fieldset class="crm-form-fields">
          <legend>{t('activities.form.time')}</legend>
          <Check
            label={t('activities.field.showInCalendar')}
            checked={timing.showInCalendar}
            onChange={(v) => setTiming({ ...timing, showInCalendar: v })}
          />
          <Check
            label={t('activities.field.allDay')}
            checked={timing.allDay}
            onChange={(v) =>
              setTiming({
                ...timing,
                allDay: v,
                start: timing.start.slice(0, 10),
                end: timing.end.slice(0, 10),
              })
            }
          />
          {(['start', 'end'] as const).map((part) => (
            <Field
              key={part}
              label={t(
                part === 'start'
                  ? timing.allDay
                    ? 'activities.field.firstDay'
                    : 'activities.field.start'
                  : timing.allDay
                    ? 'activities.field.lastDay'
                    : 'activities.field.end',
              )}
              error={errorAt(part === 'start' ? 'startsAt' : 'endsAt')}
            >
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  type={timeType}
                  value={timing[part]}
                  onInput={(e) => setTiming({ ...timing, [part]: e.currentTarget.value })}
                />
              )}
            </Field>
          ))}
          <Select
            label={t('activities.field.timeZone')}
            value={timing.zone}
            options={(zones.includes(timing.zone) ? zones : [timing.zone, ...zones]).map((z) => [z, z])}
            onChange={(zone) => setTiming({ ...timing, zone })}
            error={errorAt('timeZone')}
          />
          {errorAt('allDay') && <p class="field-error">{errorAt('allDay')}</p>}
        </fieldset>

        <fieldset>
          <legend>{t('activities.participants.title')}</legend>
          {errorAt('participants') && !rows.length && <p class="field-error">{errorAt('participants')}</p>}
          {rows.map((r, i) => {
            const options = r.type === 'email' ? [] : (choices.data?.[r.type] ?? []);
            const withCurrent: Array<[string, string]> =
              r.id && !options.some(([v]) => v === r.id) ? [[r.id, r.name || r.id], ...options] : options;
            const n = i + 1;
            return (
              <div class="crm-form-fields activity-participant" key={i}>
                <Select
                  label={t('activities.participants.typeOf', { n })}
                  value={r.type}
                  options={PARTICIPANT_TYPES.map((p) => [p, t(`activities.participants.of.${p}`)])}
                  onChange={(v) => setRow(i, { type: v as ParticipantType, id: '', name: '' })}
                  error={errorAt(`participants.${i}.type`)}
                />
                {r.type === 'email' ? (
                  <>
                    <Field
                      label={t('activities.participants.emailOf', { n })}
                      error={errorAt(`participants.${i}.email`)}
                    >
                      {(id, d) => (
                        <input
                          id={id}
                          aria-describedby={d}
                          type="text"
                          inputMode="email"
                          value={r.email}
                          onInput={(e) => setRow(i, { email: e.currentTarget.value })}
                        />
                      )}
                    </Field>
                    <Field
                      label={t('activities.participants.nameOf', { n })}
                      error={errorAt(`participants.${i}.name`)}
                    >
                      {(id, d) => (
                        <input
                          id={id}
                          aria-describedby={d}
                          type="text"
                          value={r.name}
                          onInput={(e) => setRow(i, { name: e.currentTarget.value })}
                        />
                      )}
                    </Field>
                  </>
                ) : (
                  <Select
                    label={t('activities.participants.recordOf', { n })}
                    value={r.id}
                    options={[['', t('activities.participants.choose')], ...withCurrent]}
                    onChange={(v) => setRow(i, { id: v, name: '' })}
                    error={errorAt(`participants.${i}.id`) ?? errorAt(`participants.${i}`)}
                  />
                )}
                <Select
                  label={t('activities.participants.roleOf', { n })}
                  value={r.role}
                  options={ROLES.map((v) => [v, roleLabel(v)])}
                  onChange={(v) => setRow(i, { role: v })}
                />
                <Select
                  label={t('activities.participants.responseOf', { n })}
                  value={r.response}
                  options={RESPONSES.map((v) => [v, responseLabel(v)])}
                  onChange={(v) => setRow(i, { response: v })}
                />
                <button
                  type="button"
                  class="secondary"
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                >
                  {t('activities.participants.remove', { n })}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            class="secondary"
            onClick={() =>
              setRows([
                ...rows,
                { type: 'contact', id: '', email: '', name: '', role: 'required', response: 'none' },
              ])
            }
          >
            {t('activities.participants.add')}
          </button>
        </fieldset>

        <fieldset class="crm-form-fields">
          <legend>{t('activities.recurrence.title')}</legend>
          <Select
            label={t('activities.form.repeats')}
            value={repeat.freq}
            options={[
              ['', t('activities.form.once')],
              ...FREQS.map((f): [string, string] => [f, t(`activities.form.freq.${f}`)]),
            ]}
            onChange={(v) => setRepeat({ ...repeat, freq: v as Repeat['freq'] })}
            error={errorAt('recurrence') && !repeat.freq ? errorAt('recurrence') : undefined}
          />
          {repeat.freq && (
            <>
              <Field label={t('activities.form.interval')} error={errorAt('recurrence.rule.interval')}>
                {(id, d) => (
                  <input
                    id={id}
                    aria-describedby={d}
                    type="text"
                    inputMode="numeric"
                    value={repeat.interval}
                    onInput={(e) => setRepeat({ ...repeat, interval: e.currentTarget.value })}
                  />
                )}
              </Field>
              {repeat.freq === 'WEEKLY' && (
                <fieldset class="activity-weekdays">
                  <legend>{t('activities.form.weekdays')}</legend>
                  {WEEKDAYS.map((d) => (
                    <Check
                      key={d}
                      label={t(`activities.weekday.${d}`)}
                      checked={repeat.byDay.includes(d)}
                      onChange={(on) =>
                        setRepeat({
                          ...repeat,
                          byDay: on
                            ? WEEKDAYS.filter((w) => w === d || repeat.byDay.includes(w))
                            : repeat.byDay.filter((w) => w !== d),
                        })
                      }
                    />
                  ))}
                  {errorAt('recurrence.rule.byDay') && (
                    <p class="field-error">{errorAt('recurrence.rule.byDay')}</p>
                  )}
                </fieldset>
              )}
              <Select
                label={t('activities.form.ends')}
                value={repeat.ends}
                options={[
                  ['never', t('activities.form.endsNever')],
                  ['count', t('activities.form.endsCount')],
                  ['until', t('activities.form.endsUntil')],
                ]}
                onChange={(v) => setRepeat({ ...repeat, ends: v as Repeat['ends'] })}
              />
              {repeat.ends === 'count' && (
                <Field label={t('activities.form.count')} error={errorAt('recurrence.rule.count')}>
                  {(id, d) => (
                    <input
                      id={id}
                      aria-describedby={d}
                      type="text"
                      inputMode="numeric"
                      value={repeat.count}
                      onInput={(e) => setRepeat({ ...repeat, count: e.currentTarget.value })}
                    />
                  )}
                </Field>
              )}
              {repeat.ends === 'until' && (
                <Field label={t('activities.form.until')} error={errorAt('recurrence.rule.until')}>
                  {(id, d) => (
                    <input
                      id={id}
                      aria-describedby={d}
                      type="date"
                      value={repeat.until}
                      onInput={(e) => setRepeat({ ...repeat, until: e.currentTarget.value })}
                    />
                  )}
                </Field>
              )}
              {errorAt('recurrence') && <p class="field-error">{errorAt('recurrence')}</p>}
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('activities.field.groups')}</legend>
          {(choices.data?.groups ?? []).length === 0 && <p class="muted">{t('activities.form.noGroups')}</p>}
          {(choices.data?.groups ?? []).map((g) => (
            <Check
              key={g.id}
              label={g.name}
              checked={groupIds.includes(g.id)}
              onChange={(on) =>
                setGroupIds(on ? [...groupIds, g.id].sort() : groupIds.filter((id) => id !== g.id))
              }
            />
          ))}
          {errorAt('groupIds') && <p class="field-error">{errorAt('groupIds')}</p>}
        </fieldset>
      </>
    );
  };

  return { dirty: Object.values(changed).some(Boolean), body, children };
}

export function ActivityForm(props: {
  activity?: Activity;
  onSaved: (a: Activity) => void;
  onCancel: () => void;
}) {
  const a = props.activity;
  const extra = useActivityExtra(a);
  const initial = a ? valuesOf(FIELDS, a) : { ...valuesOf(FIELDS, undefined), ...DEFAULTS };
  return (
    <RecordForm
      title={a ? t('activities.form.editTitle') : t('activities.new')}
      showTitle={Boolean(a)}
      fields={FIELDS}
      initial={initial}
      refused={a ? t('activities.form.notSaved') : t('activities.form.notCreated')}
      leaveQuestion={a ? t('activities.form.leaveEdit') : t('activities.form.leaveNew')}
      submitLabel={a ? t('common.save') : t('activities.form.create')}
      busyLabel={a ? t('common.saving') : t('common.creating')}
      extra={extra}
      onCancel={props.onCancel}
      onSubmit={async (body) => {
        const saved = a
          ? await patch<Activity>(`/api/v1/activities/${encodeURIComponent(a.id)}`, {
              ...body,
              ifVersion: a.version,
            })
          : await post<Activity>('/api/v1/activities', body);
        props.onSaved(saved);
      }}
    />
  );
}
