// Mailbox sync settings (SPEC G3): the three tabs of the seeds, Email, Meetings and tasks, and
// Contacts. Contacts is the one that syncs today, so the page opens on it; the others say what is
// coming. `?tab=email|meetings|contacts` opens another tab.
import { useCallback, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import type { Mailbox, SyncSettingsView } from '../../types.ts';
import { EmailTab, MeetingsTab } from './coming-tabs.tsx';
import { ContactsTab } from './contacts-tab.tsx';
import { Tabs } from './tabs.tsx';
import './sync-settings.css';

const TAB_IDS = ['email', 'meetings', 'contacts'] as const;
type TabId = (typeof TAB_IDS)[number];

function MailboxState(props: { mailbox: Mailbox }) {
  const { mailbox } = props;
  if (mailbox.status === 'disconnected')
    return (
      <Notice kind="warning" title="This mailbox is disconnected">
        Nothing syncs with it. The settings are kept; connect the mailbox again to sync with them.
      </Notice>
    );
  if (mailbox.status === 'needs_sign_in')
    return (
      <Notice kind="warning" title="This mailbox needs sign-in">
        Sync is paused until its owner signs in again or updates the password on the mailbox page. The folder
        list cannot be read meanwhile.
      </Notice>
    );
  if (mailbox.status === 'pending')
    return (
      <Notice kind="info" title="This mailbox is not connected yet">
        Its owner has not finished connecting it; the folder list cannot be read until then.
      </Notice>
    );
  return null;
}

export function MailboxSyncSettings() {
  const { params, query } = useRoute();
  const mailboxId = params.id ?? '';
  const [tab, setTab] = useState<TabId>(
    TAB_IDS.includes(query.tab as TabId) ? (query.tab as TabId) : 'contacts',
  );
  const [contactsDirty, setContactsDirty] = useState(false);
  const onDirtyChange = useCallback((dirty: boolean) => setContactsDirty(dirty), []);
  const [loaded, reload] = useLoad(
    async (signal) => {
      const path = `/api/v1/mailboxes/${encodeURIComponent(mailboxId)}`;
      const [mailbox, settings] = await Promise.all([
        get<Mailbox>(path, undefined, signal),
        get<SyncSettingsView>(`${path}/sync-settings`, undefined, signal),
      ]);
      return { mailbox, settings };
    },
    [mailboxId],
  );
  const address = loaded.data?.mailbox.address;

  return (
    <Page
      title={address ? `Sync settings: ${address}` : 'Sync settings'}
      crumbs={[
        { href: '/settings/mailboxes', label: 'Mailboxes' },
        ...(address
          ? [{ href: `/settings/mailboxes/${encodeURIComponent(mailboxId)}`, label: address }]
          : []),
      ]}
    >
      <Loading value={loaded} what="the mailbox’s sync settings" retry={() => void reload()}>
        {({ mailbox, settings }) => (
          <>
            <MailboxState mailbox={mailbox} />
            <Tabs
              label="What to sync"
              selected={tab}
              onSelect={(id) => setTab(id as TabId)}
              tabs={[
                { id: 'email', label: 'Email', panel: <EmailTab serviceName={mailbox.serviceName} /> },
                { id: 'meetings', label: 'Meetings and tasks', panel: <MeetingsTab /> },
                {
                  id: 'contacts',
                  label: contactsDirty ? (
                    <>
                      Contacts <span class="tab-dot" aria-hidden="true" />
                      <span class="visually-hidden">(unsaved changes)</span>
                    </>
                  ) : (
                    'Contacts'
                  ),
                  panel: (
                    <ContactsTab
                      mailboxId={mailbox.id}
                      address={mailbox.address}
                      settings={settings.contacts}
                      onDirtyChange={onDirtyChange}
                    />
                  ),
                },
              ]}
            />
          </>
        )}
      </Loading>
    </Page>
  );
}
