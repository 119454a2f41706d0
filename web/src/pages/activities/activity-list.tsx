// The activity list: meetings and tasks filtered by kind, date range, owner, group and subject,
// sorted, one page at a time. Every filter lives in the address, as on the other record lists.
import { useLocation } from 'preact-iso';
import { get, type Page as ListPage, withQuery } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { t } from '../../i18n.ts';
import type { Activity, Group, User } from '../../types.ts';
import { CHOICES_LIMIT, loadUsers } from '../contacts/directory.ts';
import { ListSearch, useSearchText } from '../contacts/list-search.tsx';
import { Pager, SortSelect, TotalCount, usePageTop } from '../contacts/paging.tsx';
import { None } from '../contacts/values.tsx';
import { ActivityTable, KINDS, kindLabel } from './activity-values.tsx';
import { addDays, instantOf, viewerZone } from './when.ts';
import '../contacts/contacts.css';
import './activities.css';

const PAGE_SIZE = 25;

const FILTERS = ['kind', 'from', 'to', 'ownerId', 'groupId', 'q', 'sort'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const SORT_CHOICES = [
  { value: '', label: () => t('lists.sort.added') },
  { value: 'start', label: () => t('activities.sort.start') },
  { value: '-start', label: () => t('activities.sort.startDown') },
  { value: 'subject', label: () => t('activities.sort.subject') },
  { value: '-changed', label: () => t('lists.sort.changed') },
];

/** The API query of the filters: dates are whole days in the viewer's zone, `to` included. */
function apiQuery(f: Filters) {
  const zone = viewerZone();
  return {
    kind: f.kind,
    from: f.from ? instantOf(f.from, zone) : '',
    to: f.to ? instantOf(addDays(f.to, 1), zone) : '',
    ownerId: f.ownerId,
    groupId: f.groupId,
    q: f.q,
    sort: f.sort,
  };
}

export function ActivityList() {
  const { query, route } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query[k] ?? ''])) as Filters;
  const cursor = query.cursor || null;
  usePageTop(cursor);
  const go = (change: Partial<Filters> & { cursor?: string | null }, replace = false) =>
    route(withQuery('/activities', { ...filters, ...change, cursor: change.cursor ?? undefined }), replace);
  const [list, reload] = useLoad(
    (signal) =>
      get<ListPage<Activity>>(
        '/api/v1/activities',
        { ...apiQuery(filters), cursor, limit: PAGE_SIZE },
        signal,
      ),
    [...FILTERS.map((k) => filters[k]), cursor],
  );
  const [choices] = useLoad(async (signal) => {
    const [users, groups] = await Promise.all([
      loadUsers(signal),
      get<ListPage<Group>>('/api/v1/activityGroups', { limit: CHOICES_LIMIT }, signal),
    ]);
    return { users, groups: groups.items };
  }, []);
  const [text, setText] = useSearchText(filters.q, (typed) => go({ q: typed }, true));
  const filtered = FILTERS.some((k) => k !== 'sort' && filters[k] !== '');
  const users = choices.data?.users ?? [];
  const select = (
    name: 'kind' | 'ownerId' | 'groupId',
    label: string,
    all: string,
    options: Array<[string, string]>,
  ) => (
    <Field label={label}>
      {(id) => (
        <select id={id} value={filters[name]} onChange={(e) => go({ [name]: e.currentTarget.value })}>
          <option value="">{all}</option>
          {options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const date = (name: 'from' | 'to', label: string) => (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          type="date"
          value={filters[name]}
          onChange={(e) => go({ [name]: e.currentTarget.value })}
        />
      )}
    </Field>
  );

  return (
    <Page
      title={t('nav.activities')}
      actions={
        <>
          <a class="button" href="/activities/calendar">
            {t('activities.calendar.open')}
          </a>
          <a class="button primary" href="/activities/new">
            {t('activities.new')}
          </a>
        </>
      }
    >
      <ListSearch
        label={t('activities.filters')}
        placeholder={t('activities.searchPlaceholder')}
        text={text}
        onText={setText}
        onSearch={(typed) => go({ q: typed })}
      >
        {select(
          'kind',
          t('activities.field.kind'),
          t('activities.allKinds'),
          KINDS.map((k) => [k, kindLabel(k)]),
        )}
        {date('from', t('activities.filter.from'))}
        {date('to', t('activities.filter.to'))}
        {select(
          'ownerId',
          t('activities.field.owner'),
          t('activities.allOwners'),
          users.map((u: User) => [u.id, u.displayName || u.email]),
        )}
        {select(
          'groupId',
          t('activities.field.groups'),
          t('activities.allGroups'),
          (choices.data?.groups ?? []).map((g) => [g.id, g.name]),
        )}
        <SortSelect value={filters.sort} choices={SORT_CHOICES} onChange={(s) => go({ sort: s })} />
      </ListSearch>
      <Loading value={list} what={t('nav.activities')} retry={() => void reload()}>
        {(page) =>
          page.items.length === 0 ? (
            <div class="card crm-empty">
              <p>{filtered ? t('activities.noMatch') : t('activities.empty')}</p>
            </div>
          ) : (
            <>
              <TotalCount
                text={page.total === undefined ? null : t('activities.total', { count: page.total })}
              />
              <ActivityTable
                activities={page.items}
                busy={list.state === 'loading'}
                ownerName={(id) => {
                  const owner = users.find((u) => u.id === id);
                  return owner ? owner.displayName || owner.email : <None />;
                }}
              />
              <Pager
                cursor={cursor}
                nextCursor={page.nextCursor}
                count={page.items.length}
                total={page.total}
                what={t('nav.activities')}
                onGo={(c) => go({ cursor: c })}
              />
            </>
          )
        }
      </Loading>
    </Page>
  );
}
