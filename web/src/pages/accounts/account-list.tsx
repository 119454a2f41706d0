// The account list: search by name and cursor pages, both in the address (reload, back).
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { get, type Page as ListPage, withQuery } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import type { Account, User } from '../../types.ts';
import { CHOICES_LIMIT, userName, webHref } from '../contacts/directory.ts';
import { Pager } from '../contacts/paging.tsx';
import '../contacts/contacts.css';

const PAGE_SIZE = 25;

export function AccountList() {
  const { query, route } = useLocation();
  const q = query.q ?? '';
  const cursor = query.cursor || null;
  const go = (change: { q?: string; cursor?: string | null }, replace = false) =>
    route(withQuery('/accounts', { q: change.q ?? q, cursor: change.cursor ?? undefined }), replace);

  const [users] = useLoad(
    (signal) => get<ListPage<User>>('/api/v1/users', { limit: CHOICES_LIMIT }, signal).then((p) => p.items),
    [],
  );
  const [list, reload] = useLoad(
    (signal) => get<ListPage<Account>>('/api/v1/accounts', { q, cursor, limit: PAGE_SIZE }, signal),
    [q, cursor],
  );

  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => go({ q: text.trim() }, true), 350);
    return () => clearTimeout(timer);
  });

  return (
    <Page title="Accounts">
      <search aria-label="Account filters">
        <form
          class="toolbar crm-filters"
          onSubmit={(event) => {
            event.preventDefault();
            go({ q: text.trim() });
          }}
        >
          <Field label="Search">
            {(id) => (
              <input
                id={id}
                type="search"
                value={text}
                placeholder="Part of the name"
                onInput={(e) => setText(e.currentTarget.value)}
              />
            )}
          </Field>
        </form>
      </search>
      <Loading value={list} what="accounts" retry={() => void reload()}>
        {(page) =>
          page.items.length === 0 ? (
            <div class="card crm-empty">
              {q ? (
                <>
                  <h2>No accounts match</h2>
                  <p>
                    No account you can see has “{q}” in its name.{' '}
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        setText('');
                        route('/accounts');
                      }}
                    >
                      Show all accounts
                    </button>
                  </p>
                </>
              ) : (
                <>
                  <h2>No accounts yet</h2>
                  <p>
                    Accounts are the companies your contacts work for. A sync links imported contacts to an
                    account of the same company name; create accounts through the API or have an administrator
                    import them.
                  </p>
                </>
              )}
            </div>
          ) : (
            <>
              <div class="table-wrap" aria-busy={list.state === 'loading'}>
                <table class="crm-table">
                  <caption class="crm-hidden">Accounts</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Industry</th>
                      <th scope="col">Phone</th>
                      <th scope="col">Website</th>
                      <th scope="col">City</th>
                      <th scope="col">Owner</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((a) => {
                      const href = a.website ? webHref(a.website) : undefined;
                      return (
                        <tr key={a.id}>
                          <th scope="row" data-label="Name">
                            <a href={`/accounts/${encodeURIComponent(a.id)}`}>{a.name}</a>
                          </th>
                          <td data-label="Industry">{a.industry ?? <span class="muted crm-none">—</span>}</td>
                          <td data-label="Phone">
                            {a.phone ? (
                              <a href={`tel:${a.phone.replace(/[^\d+]/g, '')}`}>{a.phone}</a>
                            ) : (
                              <span class="muted crm-none">—</span>
                            )}
                          </td>
                          <td data-label="Website">
                            {a.website && href ? (
                              <a href={href} rel="noopener noreferrer" target="_blank">
                                {a.website}
                              </a>
                            ) : (
                              (a.website ?? <span class="muted crm-none">—</span>)
                            )}
                          </td>
                          <td data-label="City">
                            {a.address?.city ?? <span class="muted crm-none">—</span>}
                          </td>
                          <td data-label="Owner">{users.data ? userName(users.data, a.ownerId) : '…'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <Pager
                cursor={cursor}
                nextCursor={page.nextCursor}
                count={page.items.length}
                what="accounts"
                onGo={(c) => go({ cursor: c })}
              />
            </>
          )
        }
      </Loading>
    </Page>
  );
}
