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
import { ago, dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Contact, ContactSyncStatus, Mailbox } from '../../types.ts';
import { ContactEdit } from './contact-edit.tsx';
import {
  accountNamesOf,
  addressLine,
  CONTACT_TYPE_LABELS,
  KIND_LABELS,
  loadDirectory,
  ordinal,
  PHONE_TYPE_LABELS,
  userName,
} from './directory.ts';
import { ownMailboxes, SyncActionsMenu, SyncProgress, useContactSync } from './sync-actions.tsx';
import { contactCountry, deleteConsequences } from './sync-consequences.ts';
import { EmailLink, PhoneLink, WebsiteLink } from './values.tsx';
import './contacts.css';

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

  const title = contact.data?.contact.displayName ?? 'Contact';
  return (
    <Page
      title={title}
      crumbs={[{ href: '/contacts', label: 'Contacts' }]}
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
      <Loading value={contact} what="the contact" retry={() => void reloadContact()}>
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
                <h2 id="contact-details">Details</h2>
                <dl class="facts">
                  <dt>Type</dt>
                  <dd>{CONTACT_TYPE_LABELS[c.type]}</dd>
                  <dt>Name</dt>
                  <dd>
                    {[c.namePrefix, c.givenName, c.middleName, c.familyName, c.nameSuffix]
                      .filter(Boolean)
                      .join(' ') || c.displayName}
                    {c.nickname && <span class="muted"> ({c.nickname})</span>}
                  </dd>
                  {c.jobTitle && (
                    <>
                      <dt>Job title</dt>
                      <dd>{c.jobTitle}</dd>
                    </>
                  )}
                  {c.department && (
                    <>
                      <dt>Department</dt>
                      <dd>{c.department}</dd>
                    </>
                  )}
                  <dt>Company</dt>
                  <dd>{c.companyName ?? <span class="muted">—</span>}</dd>
                  <dt>Account</dt>
                  <dd>
                    {c.accountId ? (
                      <a href={`/accounts/${encodeURIComponent(c.accountId)}`}>
                        {accountName ?? 'Open the account'}
                      </a>
                    ) : (
                      <span class="muted">Not linked to an account</span>
                    )}
                  </dd>
                  <dt>Groups</dt>
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
                      <span class="muted">None</span>
                    )}
                  </dd>
                  {c.categories.length > 0 && (
                    <>
                      <dt>Categories</dt>
                      <dd>{c.categories.join(', ')}</dd>
                    </>
                  )}
                  {c.birthday && (
                    <>
                      <dt>Birthday</dt>
                      <dd>
                        {new Date(`${c.birthday}T00:00:00`).toLocaleDateString(undefined, {
                          dateStyle: 'long',
                        })}
                      </dd>
                    </>
                  )}
                  <dt>Owner</dt>
                  <dd>{directory.data ? userName(directory.data.users, c.ownerId) : '…'}</dd>
                  <dt>Changed</dt>
                  <dd>{dateTime(c.updatedAt)}</dd>
                </dl>
              </section>

              <section class="card" aria-labelledby="contact-reach">
                <h2 id="contact-reach">Email and phone</h2>
                <h3 class="crm-small muted">Email addresses</h3>
                {c.emails.length === 0 ? (
                  <p class="muted">No email address.</p>
                ) : (
                  <ul class="crm-values" aria-label="Email addresses">
                    {c.emails.map((e, i) => (
                      <li key={`${i}-${e.address}`}>
                        <span class="crm-kind">{KIND_LABELS[e.type] ?? e.type}</span>
                        <EmailLink address={e.address} />
                      </li>
                    ))}
                  </ul>
                )}
                <h3 class="crm-small muted">Phone numbers</h3>
                {c.phones.length === 0 ? (
                  <p class="muted">No phone number.</p>
                ) : (
                  <ul class="crm-values" aria-label="Phone numbers">
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
                <h2 id="contact-places">Addresses and websites</h2>
                <h3 class="crm-small muted">Addresses</h3>
                {c.addresses.length === 0 ? (
                  <p class="muted">No postal address.</p>
                ) : (
                  <ul class="crm-values" aria-label="Addresses">
                    {c.addresses.map((a, i) => (
                      <li key={i}>
                        <span class="crm-kind">{KIND_LABELS[a.type] ?? a.type}</span>
                        <span>{addressLine(a) || '(empty)'}</span>
                      </li>
                    ))}
                  </ul>
                )}
                <h3 class="crm-small muted">Websites</h3>
                {c.websites.length === 0 ? (
                  <p class="muted">No website.</p>
                ) : (
                  <ul class="crm-values" aria-label="Websites">
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
                  <h2 id="contact-notes">Notes</h2>
                  <p class="crm-notes">{c.notes}</p>
                </section>
              )}
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

const FIELD_WORDS: Record<string, string> = {
  emails: 'email address',
  phones: 'phone number',
  addresses: 'address',
  websites: 'website',
  notes: 'notes',
};

/** "4th email address (d@x.test)": which of the contact's values stayed in the CRM. */
export function skippedValue(contact: Contact, skipped: Skipped): string {
  const word = FIELD_WORDS[skipped.field] ?? skipped.field;
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
  if (skipped.field === 'notes') return 'notes';
  const which = index >= 0 ? `${ordinal(index + 1)} ${word}` : word;
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
    return { text: `Synced with ${entry.address} ${ago(entry.lastSyncedAt)}`, kind: 'ok' };
  if (entry.linked) return { text: `Synced with ${entry.address}`, kind: 'ok' };
  if (entry.lastSyncedAt)
    return {
      text: `No longer synced with ${entry.address} (unlinked ${ago(entry.lastSyncedAt)})`,
      kind: 'warn',
    };
  if (entry.tagged)
    return { text: `Not yet in ${entry.address}: tagged, it goes there with the next sync`, kind: 'none' };
  return { text: `Not synced with ${entry.address}`, kind: 'none' };
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
      <h2 id="contact-sync">Sync with mailboxes</h2>
      <Loading value={props.status} what="the sync status" retry={props.reload}>
        {(status) =>
          status.mailboxes.length === 0 ? (
            <p class="muted">
              No mailbox of yours syncs contacts yet. <a href="/settings/mailboxes/new">Connect a mailbox</a>{' '}
              to keep this contact in Exchange.
            </p>
          ) : (
            <ul class="crm-plain-list crm-sync-mailboxes" aria-label="Sync status per mailbox">
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
              ? 'Synced'
              : sentence.kind === 'warn'
                ? 'Unlinked'
                : 'Not synced'}
        </span>
        <span>{sentence.text}</span>
      </div>
      {entry.notExported.length > 0 && (
        <ul class="crm-not-exported" aria-label={`Not exported to ${entry.address}`}>
          {entry.notExported.map((s, i) => (
            <li key={i}>
              Not exported: {skippedValue(props.contact, s)} — {s.reason}
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
          Sync with this mailbox ({entry.address}) whatever its export filter says
          {busy && <span class="spinner" aria-hidden="true" />}
        </label>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </li>
  );
}
