// An account's record: its facts and the contacts that work for it, a page at a time.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { get, type Page as ListPage } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import type { Account, Contact } from '../../types.ts';
import { focusTitle } from '../contacts/contact-page.tsx';
import { addressLine, CONTACT_TYPE_LABELS, loadUsers, userName } from '../contacts/directory.ts';
import { EmailLink, None, PhoneLink, WebsiteLink } from '../contacts/values.tsx';
import '../contacts/contacts.css';
import { AccountForm, DeleteAccount } from './account-form.tsx';

const CONTACTS_PAGE = 25;

export function AccountPage(props: { id: string }) {
  const { route } = useLocation();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [account, reloadAccount] = useLoad(
    (signal) => get<Account>(`/api/v1/accounts/${encodeURIComponent(props.id)}`, undefined, signal),
    [props.id],
  );
  const [users] = useLoad(loadUsers, []);
  const [contacts, reloadContacts] = useLoad(
    (signal) =>
      get<ListPage<Contact>>('/api/v1/contacts', { accountId: props.id, limit: CONTACTS_PAGE }, signal),
    [props.id],
  );
  // Further pages are appended below the first ("Show more").
  const [more, setMore] = useState<{ items: Contact[]; nextCursor: string | null } | null>(null);
  const shown = [...(contacts.data?.items ?? []), ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : (contacts.data?.nextCursor ?? null);

  return (
    <Page
      title={account.data?.name ?? 'Account'}
      crumbs={[{ href: '/accounts', label: 'Accounts' }]}
      actions={
        account.data &&
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
      {deleting && account.data && (
        <DeleteAccount
          account={account.data}
          onCancel={() => {
            setDeleting(false);
            focusTitle();
          }}
          onDeleted={() => route('/accounts')}
        />
      )}
      <Loading value={account} what="the account" retry={() => void reloadAccount()}>
        {(a) =>
          editing ? (
            <AccountForm
              account={a}
              onCancel={() => {
                setEditing(false);
                focusTitle();
              }}
              onSaved={() => {
                setEditing(false);
                void reloadAccount();
                focusTitle();
              }}
            />
          ) : (
            <div class="crm-record-grid">
              <section class="card" aria-labelledby="account-details">
                <h2 id="account-details">Details</h2>
                <dl class="facts">
                  <dt>Name</dt>
                  <dd>{a.name}</dd>
                  <dt>Industry</dt>
                  <dd>{a.industry ?? <None />}</dd>
                  <dt>Phone</dt>
                  <dd>{a.phone ? <PhoneLink number={a.phone} /> : <None />}</dd>
                  <dt>Website</dt>
                  <dd>{a.website ? <WebsiteLink url={a.website} /> : <None />}</dd>
                  <dt>Address</dt>
                  <dd>{(a.address && addressLine(a.address)) || <None />}</dd>
                  <dt>Owner</dt>
                  <dd>{users.data ? userName(users.data, a.ownerId) : '…'}</dd>
                  <dt>Changed</dt>
                  <dd>{dateTime(a.updatedAt)}</dd>
                </dl>
                {a.notes && (
                  <>
                    <h3 class="crm-small muted">Notes</h3>
                    <p class="crm-notes">{a.notes}</p>
                  </>
                )}
              </section>
            </div>
          )
        }
      </Loading>
      {account.data && !editing && (
        <section class="crm-account-contacts" aria-labelledby="account-contacts">
          <div class="page-header">
            <h2 id="account-contacts">Contacts</h2>
            <a href={`/contacts?accountId=${encodeURIComponent(props.id)}`}>Open in the contact list</a>
          </div>
          <Loading value={contacts} what="the account’s contacts" retry={() => void reloadContacts()}>
            {() =>
              shown.length === 0 ? (
                <p class="muted">
                  No contact you can see works for this account. A sync links imported contacts whose company
                  is “{account.data?.name}”.
                </p>
              ) : (
                <>
                  <div class="table-wrap">
                    <table class="crm-table">
                      <caption class="visually-hidden">Contacts of {account.data?.name}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Name</th>
                          <th scope="col">Job title</th>
                          <th scope="col">Email</th>
                          <th scope="col">Phone</th>
                          <th scope="col">Type</th>
                        </tr>
                      </thead>
                      <tbody>
                        {shown.map((c) => (
                          <tr key={c.id}>
                            <th scope="row" data-label="Name">
                              <a href={`/contacts/${encodeURIComponent(c.id)}`}>{c.displayName}</a>
                            </th>
                            <td data-label="Job title">{c.jobTitle ?? <None />}</td>
                            <td data-label="Email">
                              {c.emails[0] ? <EmailLink address={c.emails[0].address} /> : <None />}
                            </td>
                            <td data-label="Phone">{c.phones[0]?.number ?? <None />}</td>
                            <td data-label="Type">{CONTACT_TYPE_LABELS[c.type]}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  {nextCursor && (
                    <div class="pager">
                      <ActionButton
                        busyLabel="Loading…"
                        onAction={async () => {
                          const page = await get<ListPage<Contact>>('/api/v1/contacts', {
                            accountId: props.id,
                            limit: CONTACTS_PAGE,
                            cursor: nextCursor,
                          });
                          setMore({
                            items: [...(more?.items ?? []), ...page.items],
                            nextCursor: page.nextCursor,
                          });
                        }}
                      >
                        Show more contacts
                      </ActionButton>
                    </div>
                  )}
                </>
              )
            }
          </Loading>
        </section>
      )}
    </Page>
  );
}
