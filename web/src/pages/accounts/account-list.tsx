// The account list: search by name and cursor pages, both in the address (reload, back).
import { useLocation } from 'preact-iso';
import { get, type Page as ListPage, withQuery } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { t, tx } from '../../i18n.ts';
import type { Account } from '../../types.ts';
import { loadUsers, userName } from '../contacts/directory.ts';
import { ListSearch, useSearchText } from '../contacts/list-search.tsx';
import { Pager, SORTS, SortSelect, TotalCount, usePageTop } from '../contacts/paging.tsx';
import { None, PhoneLink, WebsiteLink } from '../contacts/values.tsx';
import '../contacts/contacts.css';

const PAGE_SIZE = 25;

export function AccountList() {
  const { query, route } = useLocation();
  const q = query.q ?? '';
  const sort = query.sort ?? '';
  const cursor = query.cursor || null;
  usePageTop(cursor);
  const go = (change: { q?: string; sort?: string; cursor?: string | null }, replace = false) =>
    route(
      withQuery('/accounts', {
        q: change.q ?? q,
        sort: change.sort ?? sort,
        cursor: change.cursor ?? undefined,
      }),
      replace,
    );

  const [users] = useLoad(loadUsers, []);
  const [list, reload] = useLoad(
    (signal) => get<ListPage<Account>>('/api/v1/accounts', { q, sort, cursor, limit: PAGE_SIZE }, signal),
    [q, sort, cursor],
  );

  const [text, setText] = useSearchText(q, (typed) => go({ q: typed }, true));

  return (
    <Page
      title={t('accounts.title')}
      actions={
        <a class="button primary" href="/accounts/new">
          {t('accounts.new')}
        </a>
      }
    >
      <ListSearch
        label={t('accounts.filters')}
        placeholder={t('accounts.searchPlaceholder')}
        text={text}
        onText={setText}
        onSearch={(typed) => go({ q: typed })}
      >
        <SortSelect
          value={sort}
          choices={[SORTS.added, SORTS.name, SORTS.nameDown, SORTS.changed]}
          onChange={(s) => go({ sort: s })}
        />
      </ListSearch>
      <Loading value={list} what={t('accounts.what')} retry={() => void reload()}>
        {(page) =>
          page.items.length === 0 ? (
            <div class="card crm-empty">
              {q ? (
                <>
                  <h2>{t('accounts.noMatch.title')}</h2>
                  <p>
                    {t('accounts.noMatch.text', { q })}{' '}
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        setText('');
                        route('/accounts');
                      }}
                    >
                      {t('accounts.showAll')}
                    </button>
                  </p>
                </>
              ) : (
                <>
                  <h2>{t('accounts.empty.title')}</h2>
                  <p>{tx('accounts.empty.textNew', { strong: (text) => <strong>{text}</strong> })}</p>
                </>
              )}
            </div>
          ) : (
            <>
              <TotalCount
                text={page.total === undefined ? null : t('accounts.total', { count: page.total })}
              />
              <div class="table-wrap" aria-busy={list.state === 'loading'}>
                <table class="crm-table">
                  <caption class="visually-hidden">{t('accounts.title')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('accounts.field.name')}</th>
                      <th scope="col">{t('accounts.field.industry')}</th>
                      <th scope="col">{t('accounts.field.phone')}</th>
                      <th scope="col">{t('accounts.field.website')}</th>
                      <th scope="col">{t('accounts.field.city')}</th>
                      <th scope="col">{t('accounts.field.owner')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((a) => (
                      <tr key={a.id}>
                        <th scope="row" data-label={t('accounts.field.name')}>
                          <a href={`/accounts/${encodeURIComponent(a.id)}`}>{a.name}</a>
                        </th>
                        <td data-label={t('accounts.field.industry')}>{a.industry ?? <None />}</td>
                        <td data-label={t('accounts.field.phone')}>
                          {a.phone ? <PhoneLink number={a.phone} /> : <None />}
                        </td>
                        <td data-label={t('accounts.field.website')}>
                          {a.website ? <WebsiteLink url={a.website} /> : <None />}
                        </td>
                        <td data-label={t('accounts.field.city')}>{a.address?.city ?? <None />}</td>
                        <td data-label={t('accounts.field.owner')}>
                          {users.data ? userName(users.data, a.ownerId) : '…'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager
                cursor={cursor}
                nextCursor={page.nextCursor}
                count={page.items.length}
                total={page.total}
                what={t('accounts.what')}
                onGo={(c) => go({ cursor: c })}
              />
            </>
          )
        }
      </Loading>
    </Page>
  );
}
