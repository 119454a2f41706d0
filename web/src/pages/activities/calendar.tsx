// The calendar of the signed-in user's activities: a week or a month, moved back and forth,
// with series shown on every day they occur. The view and the day it shows live in the
// address (`view`, `date`), so that a reload or a shared link opens the same page.
import { useLocation } from 'preact-iso';
import { get, type Page as ListPage, withQuery } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { locale, t } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Activity } from '../../types.ts';
import { type Occurrence, occurrencesIn } from './occurrences.ts';
import { addDays, allDayDates, dateIn, dateText, instantOf, viewerZone } from './when.ts';
import './activities.css';

type View = 'week' | 'month';
/** Pages of activities read for one calendar page at most (500 each). */
const MAX_PAGES = 10;

const weekdayIndex = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
const mondayOf = (date: string) => addDays(date, -weekdayIndex(date));

/** The days the page shows: a week from Monday, or the whole weeks around a month. */
function daysOf(view: View, date: string): string[] {
  const first = view === 'week' ? mondayOf(date) : mondayOf(`${date.slice(0, 8)}01`);
  const monthEnd = addDays(`${addDays(`${date.slice(0, 8)}28`, 4).slice(0, 8)}01`, -1);
  const last = view === 'week' ? addDays(first, 6) : addDays(mondayOf(monthEnd), 6);
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The same place one page on (or back): a week, or a month kept on a valid day. */
function moved(view: View, date: string, step: number): string {
  if (view === 'week') return addDays(date, 7 * step);
  const month = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1 + step, 1));
  return month.toISOString().slice(0, 10);
}

/** The viewer's days an occurrence covers: its own dates when all-day, else from start to end. */
function daysCovered(o: Occurrence): string[] {
  const zone = viewerZone();
  let first: string;
  let last: string;
  if (o.activity.allDay) {
    const days = allDayDates({ ...o.activity, startsAt: o.startsAt, endsAt: o.endsAt });
    if (!days) return [];
    ({ first, last } = days);
  } else {
    first = dateIn(o.startsAt, zone);
    last = o.endsAt > o.startsAt ? dateIn(new Date(Date.parse(o.endsAt) - 1).toISOString(), zone) : first;
  }
  const days: string[] = [];
  for (let d = first, i = 0; d <= last && i < 62; d = addDays(d, 1), i++) days.push(d);
  return days;
}

async function loadActivities(ownerId: string, from: string, to: string, signal: AbortSignal) {
  const all: Activity[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: ListPage<Activity> = await get<ListPage<Activity>>(
      '/api/v1/activities',
      { ownerId, from, to, cursor, limit: 500 },
      signal,
    );
    all.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return all;
}

function Entry(props: { o: Occurrence }) {
  const { o } = props;
  const time = o.activity.allDay
    ? t('activities.calendar.allDay')
    : new Date(o.startsAt).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
  return (
    <li class={`calendar-entry calendar-${o.activity.kind}`}>
      <a href={`/activities/${encodeURIComponent(o.activity.id)}`}>
        <span class="calendar-time">{time}</span> {o.subject}
      </a>
    </li>
  );
}

export function ActivityCalendar() {
  const { query, route } = useLocation();
  const { me } = useSession();
  const zone = viewerZone();
  const today = dateIn(new Date().toISOString(), zone);
  const view: View = query.view === 'month' ? 'month' : 'week';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(query.date ?? '') ? query.date! : today;
  const days = daysOf(view, date);
  const from = instantOf(days[0], zone);
  const to = instantOf(addDays(days[days.length - 1], 1), zone);
  const go = (change: { view?: View; date?: string }) =>
    route(withQuery('/activities/calendar', { view: change.view ?? view, date: change.date ?? date }));
  const [activities, reload] = useLoad(
    (signal) => loadActivities(me.user.id, from, to, signal),
    [me.user.id, from, to],
  );
  const title =
    view === 'month'
      ? dateText(date, { month: 'long', year: 'numeric' })
      : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(
          new Date(`${days[0]}T00:00:00Z`),
          new Date(`${days[6]}T00:00:00Z`),
        );
  const month = date.slice(0, 7);

  return (
    <Page
      title={t('activities.calendar.title')}
      crumbs={[{ href: '/activities', label: t('nav.activities') }]}
      actions={
        <a class="button primary" href="/activities/new">
          {t('activities.new')}
        </a>
      }
    >
      <nav class="toolbar calendar-nav" aria-label={t('activities.calendar.navigation')}>
        <button type="button" class="secondary" onClick={() => go({ date: moved(view, date, -1) })}>
          {view === 'week' ? t('activities.calendar.previousWeek') : t('activities.calendar.previousMonth')}
        </button>
        <button type="button" class="secondary" onClick={() => go({ date: today })}>
          {t('activities.calendar.today')}
        </button>
        <button type="button" class="secondary" onClick={() => go({ date: moved(view, date, 1) })}>
          {view === 'week' ? t('activities.calendar.nextWeek') : t('activities.calendar.nextMonth')}
        </button>
        <fieldset class="calendar-views">
          <legend class="visually-hidden">{t('activities.calendar.view')}</legend>
          {(['week', 'month'] as const).map((v) => (
            <button
              key={v}
              type="button"
              class={v === view ? 'primary' : 'secondary'}
              aria-pressed={v === view}
              onClick={() => go({ view: v })}
            >
              {t(`activities.calendar.${v}`)}
            </button>
          ))}
        </fieldset>
      </nav>
      <h2 class="calendar-title" aria-live="polite">
        {title}
      </h2>
      <Loading value={activities} what={t('nav.activities')} retry={() => void reload()}>
        {(list) => {
          const byDay = new Map<string, Occurrence[]>();
          for (const o of list.flatMap((a) => occurrencesIn(a, from, to)))
            for (const d of daysCovered(o)) byDay.set(d, [...(byDay.get(d) ?? []), o]);
          for (const entries of byDay.values()) entries.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
          return (
            <ol class={`calendar calendar-${view}`} aria-busy={activities.state === 'loading'}>
              {days.map((d) => {
                const entries = byDay.get(d) ?? [];
                const classes = [
                  'calendar-day',
                  d === today ? 'calendar-today' : '',
                  view === 'month' && d.slice(0, 7) !== month ? 'calendar-outside' : '',
                ];
                return (
                  <li
                    key={d}
                    class={classes.join(' ').trim()}
                    aria-label={dateText(d, { dateStyle: 'full' })}
                  >
                    <p class="calendar-date" aria-hidden="true">
                      {view === 'week'
                        ? dateText(d, { weekday: 'short', day: 'numeric', month: 'short' })
                        : Number(d.slice(8))}
                    </p>
                    {entries.length > 0 && (
                      <ul>
                        {entries.map((o) => (
                          <Entry key={`${o.activity.id}${o.startsAt}`} o={o} />
                        ))}
                      </ul>
                    )}
                  </li>
                );
              })}
            </ol>
          );
        }}
      </Loading>
    </Page>
  );
}
