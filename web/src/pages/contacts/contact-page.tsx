// A contact's record (B5, E7): every multi-valued field, account, groups and owner; per mailbox
// the "sync with this mailbox" tag and the sync status as people read it, with what was not
// exported and why; the Actions menu to run a sync; editing.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { del, get, messageOf, put } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { type Loaded, Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { ago, calendarDate, dateTime } from '../../components/time.ts';
import { t, tx } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Contact, ContactSyncStatus, Mailbox } from '../../types.ts';
import { ContactEdit } from './contact-edit.tsx';
import {
  accountNamesOf,
  addressLine,
  CONTACT_TYPE_LABELS,
  KIND_LABELS,
  loadDirectory,
  PHONE_TYPE_LABELS,
  userName,
} from './directory.ts';
import { ownMailboxes, SyncActionsMenu, SyncProgress, useContactSync } from './sync-actions.tsx';
import { contactCountry, deleteConsequences } from './sync-consequences.ts';
import { EmailLink, PhoneLink, WebsiteLink } from './values.tsx';
import './contacts.css';
import { RelatedActivities } from '../activities/related-activities.tsx';

type StatusEntry = ContactSyncStatus['mailboxes'][number];
type Skipped = StatusEntry['notExported'][number];

/** Focus the screen's title: the form that had focus is gone. */
export function focusTitle() {
  requestAnimationFrame(() => document.getElementById('page-title')?.focus());
}

/** "New contact": the contact form alone; saving opens the new record. */
export function ContactNew() {
  const { me } = useSession();
  const { route } = useLocation();
  const [directory] = useLoad((signal) => loadDirectory(signal), []);
  const [country] = useLoad(
    async (signal) => {
      const all = await get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal);
      return contactCountry(ownMailboxes(all.items, me.user.id), signal);
    },
    [me.user.id],
  );
  return (
    <Page title={t('contacts.new')} crumbs={[{ href: '/contacts', label: t('nav.contacts') }]}>
      <ContactEdit
        directory={directory.data}
        country={country.data ?? 'DE'}
        onCancel={() => route('/contacts')}
        onSaved={(created) => route(`/contacts/${encodeURIComponent(created.id)}`)}
      />
    </Page>
  );
}

export function ContactPage(props: { id: string }) {
  const { me } = useSession();
  const { route } = useLocation();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [contact, reloadContact] = useLoad(
    async (signal) => {
      const c = await get<Contact>(`/api/v1/contacts/${encodeURIComponent(props.id)}`, undefined, signal);
      const names = c.accountId ? await accountNamesOf([c.accountId]) : new Map<string, string>();
      return { contact: c, accountName: c.accountId ? (names.get(c.accountId) ?? null) : null };
    },
    [props.id],
  );
  const [directory] = useLoad((signal) => loadDirectory(signal), []);
  const [allMailboxes] = useLoad(
    (signal) => get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal).then((r) => r.items),
    [],
  );
  const own = {
    ...allMailboxes,
    data: allMailboxes.data && ownMailboxes(allMailboxes.data, me.user.id),
  } as typeof allMailboxes;
  const [status, reloadStatus] = useLoad(
    (signal) =>
      get<ContactSyncStatus>(
        `/api/v1/contacts/${encodeURIComponent(props.id)}/sync-status`,
        undefined,
        signal,
      ),
    [props.id],
  );

  const [country] = useLoad(
    async (signal) => (own.data ? contactCountry(own.data, signal) : 'DE'),
    [own.data?.map((m) => m.id).join()],
  );

  const sync = useContactSync(own, () => {
    void reloadContact();
    void reloadStatus();
  });

  const title = contact.data?.contact.displayName ?? t('contacts.page.fallbackTitle');
  return (
    <Page
      title={title}
      crumbs={[{ href: '/contacts', label: t('nav.contacts') }]}
      actions={
        contact.data && (
          <>
            {!editing && (
              <button type="button" onClick={() => setEditing(true)}>
                {t('common.edit')}
              </button>
            )}
            {!editing && !deleting && (
              <button type="button" class="danger" onClick={() => setDeleting(true)}>
                {t('common.delete')}
              </button>
            )}
            <SyncActionsMenu sync={sync} />
          </>
        )
      }
    >
      <SyncProgress sync={sync} />
      {deleting && contact.data && (
        <DeleteContact
          contact={contact.data.contact}
          status={status}
          onCancel={() => {
            setDeleting(false);
            focusTitle();
          }}
          onDeleted={() => route('/contacts')}
        />
      )}
      <Loading value={contact} what={t('contacts.page.what')} retry={() => void reloadContact()}>
        {({ contact: c, accountName }) =>
          editing ? (
            <ContactEdit
              contact={c}
              directory={directory.data}
              country={country.data ?? 'DE'}
              onCancel={() => {
                setEditing(false);
                focusTitle();
              }}
              onSaved={() => {
                setEditing(false);
                void reloadContact();
                void reloadStatus();
                focusTitle();
              }}
            />
          ) : (
            <div class="crm-record-grid">
              <section class="card" aria-labelledby="contact-details">
                <h2 id="contact-details">{t('records.details')}</h2>
                <dl class="facts">
                  <dt>{t('contacts.field.type')}</dt>
                  <dd>{CONTACT_TYPE_LABELS[c.type]}</dd>
                  <dt>{t('contacts.page.name')}</dt>
                  <dd>
                    {[c.namePrefix, c.givenName, c.middleName, c.familyName, c.nameSuffix]
                      .filter(Boolean)
                      .join(' ') || c.displayName}
                    {c.nickname && <span class="muted"> ({c.nickname})</span>}
                  </dd>
                  {c.jobTitle && (
                    <>
                      <dt>{t('contacts.field.jobTitle')}</dt>
                      <dd>{c.jobTitle}</dd>
                    </>
                  )}
                  {c.department && (
                    <>
                      <dt>{t('contacts.field.department')}</dt>
                      <dd>{c.department}</dd>
                    </>
                  )}
                  <dt>{t('contacts.field.companyName')}</dt>
                  <dd>{c.companyName ?? <span class="muted">—</span>}</dd>
                  <dt>{t('contacts.field.account')}</dt>
                  <dd>
                    {c.accountId ? (
                      <a href={`/accounts/${encodeURIComponent(c.accountId)}`}>
                        {accountName ?? t('contacts.page.openAccount')}
                      </a>
                    ) : (
                      <span class="muted">{t('contacts.page.noAccount')}</span>
                    )}
                  </dd>
                  <dt>{t('contacts.field.groups')}</dt>
                  <dd>
                    {c.groups.length ? (
                      <span class="crm-badges">
                        {c.groups.map((g) => (
                          <a key={g.id} class="badge" href={`/contacts?groupId=${encodeURIComponent(g.id)}`}>
                            {g.name}
                          </a>
                        ))}
                      </span>
                    ) : (
                      <span class="muted">{t('contacts.page.noGroups')}</span>
                    )}
                  </dd>
                  {c.categories.length > 0 && (
                    <>
                      <dt>{t('contacts.field.categories')}</dt>
                      <dd>{c.categories.join(', ')}</dd>
                    </>
                  )}
                  {c.birthday && (
                    <>
                      <dt>{t('contacts.field.birthday')}</dt>
                      <dd>{calendarDate(c.birthday)}</dd>
                    </>
                  )}
                  <dt>{t('contacts.field.owner')}</dt>
                  <dd>{directory.data ? userName(directory.data.users, c.ownerId) : '…'}</dd>
                  <dt>{t('records.changed')}</dt>
                  <dd>{dateTime(c.updatedAt)}</dd>
                </dl>
              </section>

              <section class="card" aria-labelledby="contact-reach">
                <h2 id="contact-reach">{t('contacts.page.reach')}</h2>
                <h3 class="crm-small muted">{t('contacts.field.emails')}</h3>
                {c.emails.length === 0 ? (
                  <p class="muted">{t('contacts.page.noEmail')}</p>
                ) : (
                  <ul class="crm-values" aria-label={t('contacts.field.emails')}>
                    {c.emails.map((e, i) => (
                      <li key={`${i}-${e.address}`}>
                        <span class="crm-kind">{KIND_LABELS[e.type] ?? e.type}</span>
                        <EmailLink address={e.address} />
                      </li>
                    ))}
                  </ul>
                )}
                <h3 class="crm-small muted">{t('contacts.field.phones')}</h3>
                {c.phones.length === 0 ? (
                  <p class="muted">{t('contacts.page.noPhone')}</p>
                ) : (
                  <ul class="crm-values" aria-label={t('contacts.field.phones')}>
                    {c.phones.map((p, i) => (
                      <li key={`${i}-${p.number}`}>
                        <span class="crm-kind">{PHONE_TYPE_LABELS[p.type] ?? p.type}</span>
                        <PhoneLink number={p.number} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>

              <section class="card" aria-labelledby="contact-places">
                <h2 id="contact-places">{t('contacts.page.places')}</h2>
                <h3 class="crm-small muted">{t('contacts.page.addresses')}</h3>
                {c.addresses.length === 0 ? (
                  <p class="muted">{t('contacts.page.noAddress')}</p>
                ) : (
                  <ul class="crm-values" aria-label={t('contacts.page.addresses')}>
                    {c.addresses.map((a, i) => (
                      <li key={i}>
                        <span class="crm-kind">{KIND_LABELS[a.type] ?? a.type}</span>
                        <span>{addressLine(a) || t('contacts.page.emptyAddress')}</span>
                      </li>
                    ))}
                  </ul>
                )}
                <h3 class="crm-small muted">{t('contacts.field.websites')}</h3>
                {c.websites.length === 0 ? (
                  <p class="muted">{t('contacts.page.noWebsite')}</p>
                ) : (
                  <ul class="crm-values" aria-label={t('contacts.field.websites')}>
                    {c.websites.map((w, i) => (
                      <li key={`${i}-${w.url}`}>
                        <span class="crm-kind">{KIND_LABELS[w.type] ?? w.type}</span>
                        <WebsiteLink url={w.url} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>

              <SyncStatusCard
                contact={c}
                status={status}
                mailboxes={allMailboxes.data}
                canTagAll={me.isAdmin}
                myId={me.user.id}
                reload={() => void reloadStatus()}
              />

              {c.notes && (
                <section class="card" aria-labelledby="contact-notes">
                  <h2 id="contact-notes">{t('contacts.field.notes')}</h2>
                  <p class="crm-notes">{c.notes}</p>
                </section>
              )}
              <RelatedActivities filter={{ participantId: c.id }} />
            </div>
          )
        }
      </Loading>
    </Page>
  );
}

/**
 * The delete question, with what happens in Exchange for each mailbox the contact is linked to
 * (from each mailbox's sync settings), said before anything is deleted.
 */
function DeleteContact(props: {
  contact: Contact;
  status: Loaded<ContactSyncStatus>;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const [consequences] = useLoad(
    async () => (props.status.data ? deleteConsequences(props.status.data) : null),
    [props.status.data],
  );
  return (
    <Confirm
      class="card crm-delete"
      legend={t('contacts.delete.legend', { name: props.contact.displayName })}
      action={t('contacts.delete.action')}
      busyLabel={t('common.deleting')}
      onCancel={props.onCancel}
      onAction={async () => {
        await del(`/api/v1/contacts/${encodeURIComponent(props.contact.id)}`);
        props.onDeleted();
      }}
    >
      {t('contacts.delete.question', { name: props.contact.displayName })}{' '}
      {consequences.state === 'ready' && consequences.data !== null
        ? consequences.data.length === 0
          ? t('contacts.delete.notSynced')
          : consequences.data.join(' ')
        : props.status.state === 'failed' || consequences.state === 'failed'
          ? t('contacts.delete.unknownAll')
          : t('contacts.delete.finding')}
    </Confirm>
  );
}

/** "4th email address (d@x.test)": which of the contact's values stayed in the CRM. */
export function skippedValue(contact: Contact, skipped: Skipped): string {
  let index = -1;
  let shown = '';
  if (skipped.field === 'emails') {
    index = contact.emails.findIndex((e) => e.address.toLowerCase() === String(skipped.value).toLowerCase());
    shown = String(skipped.value);
  } else if (skipped.field === 'phones') {
    index = contact.phones.findIndex((p) => p.number === skipped.value);
    shown = String(skipped.value);
  } else if (skipped.field === 'websites') {
    index = contact.websites.findIndex((w) => w.url === skipped.value);
    shown = String(skipped.value);
  } else if (skipped.field === 'addresses' && skipped.value && typeof skipped.value === 'object') {
    const value = skipped.value as Contact['addresses'][number];
    index = contact.addresses.findIndex(
      (a) => addressLine(a) === addressLine(value) && a.type === value.type,
    );
    shown = addressLine(value);
  }
  if (skipped.field === 'notes') return t('contacts.skipped.notes');
  const which =
    index >= 0
      ? t('contacts.skipped.which', { index: index + 1, field: skipped.field })
      : t('contacts.skipped.field', { field: skipped.field });
  return shown ? `${which} (${shown})` : which;
}

/** Edits younger than this after the last sync are the sync's own write, not the user's. */
const SYNC_WRITE_MS = 2000;

function statusSentence(
  entry: StatusEntry,
  changedAt: string,
): { text: string; kind: 'ok' | 'warn' | 'none' | 'pending' } {
  // Changed in the CRM after its last sync: Exchange still has the older version.
  if (
    entry.linked &&
    entry.lastSyncedAt &&
    new Date(changedAt).getTime() > new Date(entry.lastSyncedAt).getTime() + SYNC_WRITE_MS
  )
    return { text: t('contactSync.waiting', { address: entry.address }), kind: 'pending' };
  if (entry.linked && entry.lastSyncedAt)
    return {
      text: t('contactSync.syncedAgo', { address: entry.address, ago: ago(entry.lastSyncedAt) }),
      kind: 'ok',
    };
  if (entry.linked) return { text: t('contactSync.synced', { address: entry.address }), kind: 'ok' };
  if (entry.lastSyncedAt)
    return {
      text: t('contactSync.unlinked', { address: entry.address, ago: ago(entry.lastSyncedAt) }),
      kind: 'warn',
    };
  if (entry.tagged) return { text: t('contactSync.tagged', { address: entry.address }), kind: 'none' };
  return { text: t('contactSync.notSynced', { address: entry.address }), kind: 'none' };
}

function SyncStatusCard(props: {
  contact: Contact;
  status: Loaded<ContactSyncStatus>;
  mailboxes: Mailbox[] | undefined;
  canTagAll: boolean;
  myId: string;
  reload: () => void;
}) {
  return (
    <section class="card" aria-labelledby="contact-sync">
      <h2 id="contact-sync">{t('contactSync.title')}</h2>
      <Loading value={props.status} what={t('contactSync.what')} retry={props.reload}>
        {(status) =>
          status.mailboxes.length === 0 ? (
            <p class="muted">
              {tx('contactSync.noMailbox', { link: (text) => <a href="/settings/mailboxes/new">{text}</a> })}
            </p>
          ) : (
            <ul class="crm-plain-list crm-sync-mailboxes" aria-label={t('contactSync.perMailbox')}>
              {status.mailboxes.map((entry) => {
                const mailbox = props.mailboxes?.find((m) => m.id === entry.mailboxId);
                const mayTag = props.canTagAll || mailbox?.userId === props.myId;
                return (
                  <SyncStatusLine
                    key={entry.mailboxId}
                    contact={props.contact}
                    entry={entry}
                    mayTag={mayTag}
                    onChanged={props.reload}
                  />
                );
              })}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}

function SyncStatusLine(props: {
  contact: Contact;
  entry: StatusEntry;
  mayTag: boolean;
  onChanged: () => void;
}) {
  const { entry } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Shown at once; put back if the server refuses.
  const [tagged, setTagged] = useState(entry.tagged);
  useEffect(() => setTagged(entry.tagged), [entry.tagged]);
  const sentence = statusSentence({ ...entry, tagged }, props.contact.updatedAt);
  const toggle = async (on: boolean) => {
    setBusy(true);
    setError(null);
    setTagged(on);
    const path = `/api/v1/contacts/${encodeURIComponent(props.contact.id)}/mailbox-tags/${encodeURIComponent(entry.mailboxId)}`;
    try {
      if (on) await put(path);
      else await del(path);
      props.onChanged();
    } catch (e) {
      setTagged(!on);
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li>
      <div class="crm-sync-line">
        <span
          class={
            sentence.kind === 'none'
              ? 'badge'
              : `badge badge-${sentence.kind === 'pending' ? 'warn' : sentence.kind}`
          }
        >
          {sentence.kind === 'pending'
            ? t('contactSync.waitingBadge')
            : sentence.kind === 'ok'
              ? t('contactSync.badge.synced')
              : sentence.kind === 'warn'
                ? t('contactSync.badge.unlinked')
                : t('contactSync.badge.notSynced')}
        </span>
        <span>{sentence.text}</span>
      </div>
      {entry.notExported.length > 0 && (
        <ul class="crm-not-exported" aria-label={t('contactSync.notExportedTo', { address: entry.address })}>
          {entry.notExported.map((s, i) => (
            <li key={i}>
              {t('contactSync.notExported', { value: skippedValue(props.contact, s), reason: s.reason })}
            </li>
          ))}
        </ul>
      )}
      {props.mayTag && (
        <label class="check">
          <input
            type="checkbox"
            checked={tagged}
            disabled={busy}
            onChange={(e) => void toggle(e.currentTarget.checked)}
          />
          {t('contactSync.tag', { address: entry.address })}
          {busy && <span class="spinner" aria-hidden="true" />}
        </label>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </li>
  );
}
