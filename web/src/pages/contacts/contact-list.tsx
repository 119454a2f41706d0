// The contact list (B5, G3): search, filters by type, group, account and owner, cursor pages.
// Search, filters and the page live in the address, so reload, back and shared links keep them.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { get, type Page as ListPage, withQuery } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { t, tx } from '../../i18n.ts';
import { can, useSession } from '../../session.tsx';
import type { Contact, Mailbox } from '../../types.ts';
import { CsvImport } from './csv-import.tsx';
import {
  accountNamesOf,
  CONTACT_TYPE_LABELS,
  type Directory,
  KIND_LABELS,
  loadDirectory,
  PHONE_TYPE_LABELS,
  userName,
} from './directory.ts';
import { ListSearch, useSearchText } from './list-search.tsx';
import { Pager, SORTS, SortSelect, TotalCount, usePageTop } from './paging.tsx';
import { ownMailboxes, SyncActionsMenu, SyncProgress, useContactSync } from './sync-actions.tsx';
import { EmailLink, None, PhoneLink } from './values.tsx';
import './contacts.css';

export const PAGE_SIZE = 25;

const FILTERS = ['q', 'type', 'groupId', 'accountId', 'ownerId', 'sort'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(query: Record<string, string>): Filters {
  return Object.fromEntries(FILTERS.map((f) => [f, query[f] ?? ''])) as Filters;
}

export function ContactList() {
  const { query, route } = useLocation();
  const { me } = useSession();
  const filters = filtersOf(query);
  const cursor = query.cursor || null;
  const filtered = FILTERS.some((f) => f !== 'sort' && filters[f] !== '');
  usePageTop(cursor);

  /** Changes filters (back to the first page) or, with `cursor`, the page. */
  const go = (change: Partial<Filters> & { cursor?: string | null }, replace = false) => {
    const next = { ...filters, ...change };
    route(withQuery('/contacts', { ...next, cursor: change.cursor ?? undefined }), replace);
  };

  const [directory, reloadDirectory] = useLoad((signal) => loadDirectory(signal), []);
  const [mailboxes] = useLoad(
    (signal) =>
      get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal).then((r) =>
        ownMailboxes(r.items, me.user.id),
      ),
    [me.user.id],
  );
  const key = withQuery('', { ...filters, cursor });
  const [list, reload] = useLoad(
    async (signal) => {
      const page = await get<ListPage<Contact>>(
        '/api/v1/contacts',
        { ...filters, cursor, limit: PAGE_SIZE },
        signal,
      );
      const ids = page.items.map((c) => c.accountId).filter((id): id is string => id !== null);
      return { page, accounts: await accountNamesOf(ids, directory.data?.accounts) };
    },
    [key],
  );

  const [text, setText] = useSearchText(filters.q, (typed) => go({ q: typed }, true));

  const sync = useContactSync(mailboxes, () => void reload());
  const csv = can(me, 'CanImportExport');
  const [importing, setImporting] = useState(false);

  return (
    <Page
      title={t('contacts.title')}
      actions={
        <>
          <a class="button primary" href="/contacts/new">
            {t('contacts.new')}
          </a>
          {csv && (
            <>
              <a class="button" href={withQuery('/api/v1/contacts/export.csv', filters)} download>
                {t('contacts.exportCsv')}
              </a>
              <button type="button" aria-expanded={importing} onClick={() => setImporting(!importing)}>
                {t('contacts.importCsv')}
              </button>
            </>
          )}
          <SyncActionsMenu sync={sync} />
        </>
      }
    >
      <SyncProgress sync={sync} />
      {importing && (
        <CsvImport
          onClose={() => setImporting(false)}
          onImported={() => {
            void reload();
            void reloadDirectory();
          }}
        />
      )}
      <ListSearch
        label={t('contacts.filters')}
        placeholder={t('contacts.searchPlaceholder')}
        text={text}
        onText={setText}
        onSearch={(typed) => go({ q: typed })}
      >
        <Field label={t('contacts.field.type')}>
          {(id) => (
            <select id={id} value={filters.type} onChange={(e) => go({ type: e.currentTarget.value })}>
              <option value="">{t('contacts.filter.allTypes')}</option>
              {Object.entries(CONTACT_TYPE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DirectoryFilters directory={directory.data} filters={filters} go={go} myId={me.user.id} />
        <SortSelect
          value={filters.sort}
          choices={[SORTS.added, SORTS.name, SORTS.nameDown, SORTS.company, SORTS.changed]}
          onChange={(sort) => go({ sort })}
        />
        {filtered && (
          <button
            type="button"
            class="link crm-clear-filters"
            onClick={() => {
              setText('');
              route('/contacts');
            }}
          >
            {t('contacts.clearFilters')}
          </button>
        )}
      </ListSearch>
      {directory.state === 'failed' && (
        <Notice kind="warning" title={t('contacts.filterChoicesFailed')}>
          {directory.error}{' '}
          <button type="button" class="link" onClick={() => void reloadDirectory()}>
            {t('common.tryAgain')}
          </button>
        </Notice>
      )}
      <Loading value={list} what={t('contacts.what')} retry={() => void reload()}>
        {({ page, accounts }) =>
          page.items.length === 0 ? (
            <EmptyContacts filtered={filtered} csv={csv} onClear={() => route('/contacts')} />
          ) : (
            <>
              <TotalCount
                text={page.total === undefined ? null : t('contacts.total', { count: page.total })}
              />
              <ContactTable
                contacts={page.items}
                accounts={accounts}
                directory={directory.data}
                busy={list.state === 'loading'}
              />
              <Pager
                cursor={cursor}
                nextCursor={page.nextCursor}
                count={page.items.length}
                total={page.total}
                what={t('contacts.what')}
                onGo={(c) => go({ cursor: c })}
              />
            </>
          )
        }
      </Loading>
    </Page>
  );
}

function DirectoryFilters(props: {
  directory: Directory | undefined;
  filters: Filters;
  go: (change: Partial<Filters>) => void;
  myId: string;
}) {
  const { directory, filters, go } = props;
  const loading = directory === undefined;
  // A filter set by the address (e.g. from an account page) stays shown even when its choice
  // is not among those loaded.
  const keep = (value: string, list: Array<{ id: string }>) =>
    value !== '' && !list.some((item) => item.id === value);
  return (
    <>
      <Field label={t('contacts.field.groups')}>
        {(id) => (
          <select
            id={id}
            value={filters.groupId}
            disabled={loading}
            onChange={(e) => go({ groupId: e.currentTarget.value })}
          >
            <option value="">{t('contacts.filter.allGroups')}</option>
            {directory?.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
            {keep(filters.groupId, directory?.groups ?? []) && (
              <option value={filters.groupId}>{t('contacts.filter.chosenGroup')}</option>
            )}
          </select>
        )}
      </Field>
      <Field
        label={t('contacts.field.account')}
        hint={directory?.moreAccounts ? t('contacts.filter.accountsHint') : undefined}
      >
        {(id, describedBy) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={filters.accountId}
            disabled={loading}
            onChange={(e) => go({ accountId: e.currentTarget.value })}
          >
            <option value="">{t('contacts.filter.allAccounts')}</option>
            {directory?.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
            {keep(filters.accountId, directory?.accounts ?? []) && (
              <option value={filters.accountId}>{t('contacts.filter.chosenAccount')}</option>
            )}
          </select>
        )}
      </Field>
      <Field label={t('contacts.field.owner')}>
        {(id) => (
          <select
            id={id}
            value={filters.ownerId}
            disabled={loading}
            onChange={(e) => go({ ownerId: e.currentTarget.value })}
          >
            <option value="">{t('contacts.filter.everyone')}</option>
            <option value={props.myId}>{t('contacts.filter.me')}</option>
            {directory?.users
              .filter((u) => u.id !== props.myId)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName || u.email}
                </option>
              ))}
          </select>
        )}
      </Field>
    </>
  );
}

function EmptyContacts(props: { filtered: boolean; csv: boolean; onClear: () => void }) {
  if (props.filtered) {
    return (
      <div class="card crm-empty">
        <h2>{t('contacts.empty.noMatch')}</h2>
        <p>
          {tx('contacts.empty.noMatchText', {
            clear: (text) => (
              <button type="button" class="link" onClick={props.onClear}>
                {text}
              </button>
            ),
          })}
        </p>
      </div>
    );
  }
  return (
    <div class="card crm-empty">
      <h2>{t('contacts.empty.title')}</h2>
      <p>{t('contacts.empty.text')}</p>
      <ul>
        <li>
          {tx('contacts.empty.sync', {
            link: (text) => <a href="/settings/mailboxes">{text}</a>,
            strong: (text) => <strong>{text}</strong>,
          })}
        </li>
        {props.csv && <li>{tx('contacts.empty.csv', { strong: (text) => <strong>{text}</strong> })}</li>}
      </ul>
    </div>
  );
}

function ContactTable(props: {
  contacts: Contact[];
  accounts: Map<string, string>;
  directory: Directory | undefined;
  busy: boolean;
}) {
  return (
    <div class="table-wrap crm-table-wrap" aria-busy={props.busy}>
      <table class="crm-table">
        <caption class="visually-hidden">{t('contacts.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('contacts.col.name')}</th>
            <th scope="col">{t('contacts.field.companyName')}</th>
            <th scope="col">{t('accounts.contacts.email')}</th>
            <th scope="col">{t('accounts.field.phone')}</th>
            <th scope="col">{t('contacts.field.owner')}</th>
            <th scope="col">{t('contacts.field.groups')}</th>
          </tr>
        </thead>
        <tbody>
          {props.contacts.map((c) => {
            const account = c.accountId ? props.accounts.get(c.accountId) : undefined;
            const email = c.emails[0];
            const phone = c.phones[0];
            return (
              <tr key={c.id}>
                <th scope="row" data-label={t('contacts.col.name')}>
                  <a href={`/contacts/${encodeURIComponent(c.id)}`}>{c.displayName}</a>
                  <div class="muted crm-small">
                    {[c.jobTitle, CONTACT_TYPE_LABELS[c.type]].filter(Boolean).join(' · ')}
                  </div>
                </th>
                <td data-label={t('contacts.field.companyName')}>
                  {account && c.accountId ? (
                    <a href={`/accounts/${encodeURIComponent(c.accountId)}`}>{account}</a>
                  ) : (
                    (c.companyName ?? <None />)
                  )}
                </td>
                <td data-label={t('accounts.contacts.email')}>
                  {email ? (
                    <>
                      <EmailLink address={email.address} />
                      {c.emails.length > 1 && <span class="muted crm-small"> +{c.emails.length - 1}</span>}
                    </>
                  ) : (
                    <None />
                  )}
                </td>
                <td data-label={t('accounts.field.phone')}>
                  {phone ? (
                    <>
                      <PhoneLink number={phone.number} />{' '}
                      <span class="muted crm-small">
                        {PHONE_TYPE_LABELS[phone.type] ?? KIND_LABELS.other}
                      </span>
                      {c.phones.length > 1 && <span class="muted crm-small"> +{c.phones.length - 1}</span>}
                    </>
                  ) : (
                    <None />
                  )}
                </td>
                <td data-label={t('contacts.field.owner')}>
                  {props.directory ? userName(props.directory.users, c.ownerId) : '…'}
                </td>
                <td data-label={t('contacts.field.groups')}>
                  {c.groups.length === 0 ? (
                    <None />
                  ) : (
                    <span class="crm-badges">
                      {c.groups.map((g) => (
                        <span key={g.id} class="badge">
                          {g.name}
                        </span>
                      ))}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
