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
import { RelatedActivities } from '../activities/related-activities.tsx';
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
      title={account.data?.name ?? t('accounts.fallbackTitle')}
      crumbs={[{ href: '/accounts', label: t('accounts.title') }]}
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
      <Loading value={account} what={t('accounts.page.what')} retry={() => void reloadAccount()}>
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
                <h2 id="account-details">{t('records.details')}</h2>
                <dl class="facts">
                  <dt>{t('accounts.field.name')}</dt>
                  <dd>{a.name}</dd>
                  <dt>{t('accounts.field.industry')}</dt>
                  <dd>{a.industry ?? <None />}</dd>
                  <dt>{t('accounts.field.phone')}</dt>
                  <dd>{a.phone ? <PhoneLink number={a.phone} /> : <None />}</dd>
                  <dt>{t('accounts.field.website')}</dt>
                  <dd>{a.website ? <WebsiteLink url={a.website} /> : <None />}</dd>
                  <dt>{t('accounts.field.address')}</dt>
                  <dd>{(a.address && addressLine(a.address)) || <None />}</dd>
                  <dt>{t('accounts.field.owner')}</dt>
                  <dd>{users.data ? userName(users.data, a.ownerId) : '…'}</dd>
                  <dt>{t('records.changed')}</dt>
                  <dd>{dateTime(a.updatedAt)}</dd>
                </dl>
                {a.notes && (
                  <>
                    <h3 class="crm-small muted">{t('accounts.field.notes')}</h3>
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
            <h2 id="account-contacts">{t('accounts.contacts.title')}</h2>
            <a href={`/contacts?accountId=${encodeURIComponent(props.id)}`}>{t('accounts.contacts.open')}</a>
          </div>
          <Loading value={contacts} what={t('accounts.contacts.what')} retry={() => void reloadContacts()}>
            {() =>
              shown.length === 0 ? (
                <p class="muted">{t('accounts.contacts.none', { name: account.data?.name })}</p>
              ) : (
                <>
                  <div class="table-wrap">
                    <table class="crm-table">
                      <caption class="visually-hidden">
                        {t('accounts.contacts.caption', { name: account.data?.name })}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('contacts.col.name')}</th>
                          <th scope="col">{t('contacts.field.jobTitle')}</th>
                          <th scope="col">{t('accounts.contacts.email')}</th>
                          <th scope="col">{t('accounts.field.phone')}</th>
                          <th scope="col">{t('contacts.field.type')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {shown.map((c) => (
                          <tr key={c.id}>
                            <th scope="row" data-label={t('contacts.col.name')}>
                              <a href={`/contacts/${encodeURIComponent(c.id)}`}>{c.displayName}</a>
                            </th>
                            <td data-label={t('contacts.field.jobTitle')}>{c.jobTitle ?? <None />}</td>
                            <td data-label={t('accounts.contacts.email')}>
                              {c.emails[0] ? <EmailLink address={c.emails[0].address} /> : <None />}
                            </td>
                            <td data-label={t('accounts.field.phone')}>{c.phones[0]?.number ?? <None />}</td>
                            <td data-label={t('contacts.field.type')}>{CONTACT_TYPE_LABELS[c.type]}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  {nextCursor && (
                    <div class="pager">
                      <ActionButton
                        busyLabel={t('accounts.contacts.loading')}
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
                        {t('accounts.contacts.more')}
                      </ActionButton>
                    </div>
                  )}
                </>
              )
            }
          </Loading>
        </section>
      )}
      {account.data && !editing && <RelatedActivities filter={{ accountId: account.data.id }} />}
    </Page>
  );
}
