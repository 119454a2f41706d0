// An activity's page: when it happens (in the viewer's zone and, when it reads differently, in
// its own), its recurrence in words with changed and deleted occurrences, its participants with
// their responses (linked to their records), its sync status per mailbox, and edit and delete.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { del, get } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Activity } from '../../types.ts';
import { focusTitle } from '../contacts/contact-page.tsx';
import { None } from '../contacts/values.tsx';
import { ActivityForm } from './activity-form.tsx';
import { ActivitySync } from './activity-sync.tsx';
import { kindLabel, priorityLabel, responseLabel, roleLabel, statusLabel, When } from './activity-values.tsx';
import { occurrencesIn } from './occurrences.ts';
import { recurrenceWords } from './recurrence-words.ts';
import { dateText, timeRange, viewerZone, whenText } from './when.ts';
import '../contacts/contacts.css';
import './activities.css';

/** The record page lists this many coming occurrences of a series, looking this far ahead of its start. */
const NEXT_SHOWN = 5;
const NEXT_HORIZON_MS = 5 * 366 * 86_400_000;

type Participant = Activity['participants'][number];

function participantHref(p: Participant, isAdmin: boolean): string | null {
  if (!p.id) return p.email ? `mailto:${p.email}` : null;
  const id = encodeURIComponent(p.id);
  if (p.type === 'contact') return `/contacts/${id}`;
  if (p.type === 'lead') return `/leads/${id}`;
  return isAdmin ? `/settings/users/${id}` : null;
}

function Participants(props: { activity: Activity }) {
  const { me } = useSession();
  const list = props.activity.participants;
  return (
    <section class="card activity-wide" aria-labelledby="activity-participants">
      <h2 id="activity-participants">{t('activities.participants.title')}</h2>
      {list.length === 0 ? (
        <p class="muted">{t('activities.participants.none')}</p>
      ) : (
        <div class="table-wrap crm-table-wrap">
          <table class="crm-table activity-participants">
            <thead>
              <tr>
                <th scope="col">{t('activities.participants.name')}</th>
                <th scope="col">{t('activities.participants.type')}</th>
                <th scope="col">{t('activities.participants.role')}</th>
                <th scope="col">{t('activities.participants.response')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p, i) => {
                const href = participantHref(p, me.isAdmin);
                const name = p.name || p.email || t('activities.participants.unnamed');
                return (
                  <tr key={i}>
                    <th scope="row" data-label={t('activities.participants.name')}>
                      {href ? <a href={href}>{name}</a> : name}
                      {p.name && p.email && <div class="muted">{p.email}</div>}
                    </th>
                    <td data-label={t('activities.participants.type')}>
                      {t(`activities.participants.of.${p.type}`)}
                    </td>
                    <td data-label={t('activities.participants.role')}>{roleLabel(p.role)}</td>
                    <td data-label={t('activities.participants.response')}>{responseLabel(p.response)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** An occurrence named by its original start: a date for all-day series, else a time in the viewer's zone. */
function occurrenceText(start: string): string {
  return start.length === 10 ? dateText(start) : dateTime(start);
}

/** What an exception has of its own besides where it lies: its free/busy status and reminder. */
function ownValues(e: NonNullable<NonNullable<Activity['recurrence']>['exceptions']>[number]): string[] {
  const out: string[] = [];
  if (e.showAs) out.push(t('activities.occurrences.ownShowAs', { showAs: e.showAs }));
  if (e.reminderMinutes === null) out.push(t('activities.occurrences.noReminder'));
  else if (e.reminderMinutes !== undefined)
    out.push(t('activities.occurrences.ownReminder', { minutes: e.reminderMinutes }));
  return out;
}

function Recurrence(props: { activity: Activity }) {
  const a = props.activity;
  const r = a.recurrence;
  if (!r) return null;
  const changed = r.exceptions ?? [];
  const deleted = r.deletedOccurrences ?? [];
  // Looking ahead from now, or from the first occurrence when the series has not begun.
  const now = Date.now();
  const horizon = Math.max(now, Date.parse(a.startsAt ?? '') || now) + NEXT_HORIZON_MS;
  const next = occurrencesIn(a, new Date(now).toISOString(), new Date(horizon).toISOString()).slice(
    0,
    NEXT_SHOWN,
  );
  return (
    <section class="card" aria-labelledby="activity-recurrence">
      <h2 id="activity-recurrence">{t('activities.recurrence.title')}</h2>
      <p>{recurrenceWords(r.rule, a.startsAt, a.timeZone)}</p>
      <h3>{t('activities.occurrences.next')}</h3>
      {next.length === 0 ? (
        <p class="muted">{t('activities.occurrences.noneAhead')}</p>
      ) : (
        <ul>
          {next.map((o) => (
            <li key={o.startsAt}>{whenText({ ...a, startsAt: o.startsAt, endsAt: o.endsAt })}</li>
          ))}
        </ul>
      )}
      {changed.length > 0 && (
        <>
          <h3>{t('activities.occurrences.changed')}</h3>
          <ul>
            {changed.map((e) => (
              <li key={e.originalStart}>
                {t('activities.occurrences.changedOne', {
                  original: occurrenceText(e.originalStart),
                  now: e.startsAt
                    ? timeRange({ ...a, startsAt: e.startsAt, endsAt: e.endsAt ?? null }, viewerZone())
                    : occurrenceText(e.originalStart),
                  subject: e.subject ?? a.subject,
                })}
                {ownValues(e).map((v) => `, ${v}`)}
              </li>
            ))}
          </ul>
        </>
      )}
      {deleted.length > 0 && (
        <>
          <h3>{t('activities.occurrences.deleted')}</h3>
          <ul>
            {deleted.map((d) => (
              <li key={d}>{occurrenceText(d)}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Facts(props: { activity: Activity }) {
  const a = props.activity;
  const facts: Array<[string, preact.ComponentChildren]> = [
    [t('activities.field.kind'), kindLabel(a.kind)],
    [t('activities.field.when'), <When key="when" activity={a} withOwnZone />],
    [t('activities.field.showInCalendar'), a.showInCalendar ? t('activities.yes') : t('activities.no')],
    [t('activities.field.location'), a.location || <None />],
    [t('activities.field.status'), statusLabel(a.status)],
    [t('activities.field.priority'), priorityLabel(a.priority)],
    [
      t('activities.field.reminder'),
      a.reminderMinutes === null ? <None /> : t('activities.reminderBefore', { minutes: a.reminderMinutes }),
    ],
    [t('activities.field.groups'), a.groups.length ? a.groups.map((g) => g.name).join(', ') : <None />],
    [t('activities.field.body'), a.body ? <p class="crm-notes">{a.body}</p> : <None />],
    [t('records.changed'), dateTime(a.updatedAt)],
  ];
  return (
    <section class="card" aria-labelledby="record-details">
      <h2 id="record-details">{t('records.details')}</h2>
      <dl class="facts">
        {facts.map(([label, value]) => (
          <>
            <dt key={`t${label}`}>{label}</dt>
            <dd key={`d${label}`}>{value}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}

export function ActivityPage(props: { id: string }) {
  const { route } = useLocation();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [record, reload] = useLoad(
    (signal) => get<Activity>(`/api/v1/activities/${encodeURIComponent(props.id)}`, undefined, signal),
    [props.id],
  );
  const a = record.data;
  return (
    <Page
      title={a ? a.subject : t('nav.activities')}
      crumbs={[{ href: '/activities', label: t('nav.activities') }]}
      actions={
        a &&
        !editing &&
        !deleting && (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              {t('common.edit')}
            </button>
            <button type="button" class="danger" onClick={() => setDeleting(true)}>
              {t('common.delete')}
            </button>
          </>
        )
      }
    >
      {deleting && a && (
        <Confirm
          class="card crm-delete"
          legend={t('activities.delete.legend', { name: a.subject })}
          action={t('activities.delete.action')}
          busyLabel={t('common.deleting')}
          onCancel={() => {
            setDeleting(false);
            focusTitle();
          }}
          onAction={async () => {
            await del(`/api/v1/activities/${encodeURIComponent(a.id)}`);
            route('/activities');
          }}
        >
          {a.recurrence
            ? t('activities.delete.questionSeries', { name: a.subject })
            : t('activities.delete.question', { name: a.subject })}
        </Confirm>
      )}
      <Loading value={record} what={t('nav.activities')} retry={() => void reload()}>
        {(loaded) =>
          editing ? (
            <ActivityForm
              activity={loaded}
              onCancel={() => {
                setEditing(false);
                focusTitle();
              }}
              onSaved={() => {
                setEditing(false);
                void reload();
                focusTitle();
              }}
            />
          ) : (
            <div class="crm-record-grid">
              <Facts activity={loaded} />
              <Recurrence activity={loaded} />
              <Participants activity={loaded} />
              <ActivitySync activityId={loaded.id} version={loaded.version} />
            </div>
          )
        }
      </Loading>
    </Page>
  );
}

/** "New meeting or task": the form alone; saving opens the new activity. */
export function ActivityNew() {
  const { route } = useLocation();
  return (
    <Page title={t('activities.new')} crumbs={[{ href: '/activities', label: t('nav.activities') }]}>
      <ActivityForm
        onCancel={() => route('/activities')}
        onSaved={(a) => route(`/activities/${encodeURIComponent(a.id)}`)}
      />
    </Page>
  );
}
