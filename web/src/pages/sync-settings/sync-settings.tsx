// Mailbox sync settings (SPEC G3): the three tabs of the seeds, Email, Meetings and tasks, and
// Contacts. The page opens on Contacts; Email says what is coming, as its sync is not built yet.
// `?tab=email|meetings|contacts` opens another tab.
import { useCallback, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { t } from '../../i18n.ts';
import type { Mailbox, SyncSettingsView } from '../../types.ts';
import { ActivitiesTab } from './activities-tab.tsx';
import { EmailTab } from './coming-tabs.tsx';
import { ContactsTab } from './contacts-tab.tsx';
import { Tabs } from './tabs.tsx';
import './sync-settings.css';

const TAB_IDS = ['email', 'meetings', 'contacts'] as const;
type TabId = (typeof TAB_IDS)[number];

function MailboxState(props: { mailbox: Mailbox }) {
  const { mailbox } = props;
  if (mailbox.status === 'disconnected')
    return (
      <Notice kind="warning" title={t('syncSettings.disconnected')}>
        {t('syncSettings.disconnectedText')}
      </Notice>
    );
  if (mailbox.status === 'needs_sign_in')
    return (
      <Notice kind="warning" title={t('syncSettings.needsSignIn')}>
        {t(mailbox.hasPassword ? 'syncSettings.passwordRefusedText' : 'syncSettings.needsSignInText')}
      </Notice>
    );
  if (mailbox.status === 'pending')
    return (
      <Notice kind="info" title={t('syncSettings.pending')}>
        {t('syncSettings.pendingText')}
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
  const [activitiesDirty, setActivitiesDirty] = useState(false);
  const onActivitiesDirty = useCallback((dirty: boolean) => setActivitiesDirty(dirty), []);
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
      title={address ? t('syncSettings.titleOf', { address }) : t('dashboard.syncSettings')}
      crumbs={[
        { href: '/settings/mailboxes', label: t('nav.mailboxes') },
        ...(address
          ? [{ href: `/settings/mailboxes/${encodeURIComponent(mailboxId)}`, label: address }]
          : []),
      ]}
    >
      <Loading value={loaded} what={t('syncSettings.what')} retry={() => void reload()}>
        {({ mailbox, settings }) => (
          <>
            <MailboxState mailbox={mailbox} />
            <Tabs
              label={t('syncSettings.tabs')}
              selected={tab}
              onSelect={(id) => setTab(id as TabId)}
              tabs={[
                {
                  id: 'email',
                  label: t('syncSettings.tab.email'),
                  panel: <EmailTab serviceName={mailbox.serviceName} />,
                },
                {
                  id: 'meetings',
                  label: activitiesDirty ? (
                    <>
                      {t('syncSettings.tab.meetings')} <span class="tab-dot" aria-hidden="true" />
                      <span class="visually-hidden">{t('syncSettings.unsaved')}</span>
                    </>
                  ) : (
                    t('syncSettings.tab.meetings')
                  ),
                  panel: (
                    <ActivitiesTab
                      mailboxId={mailbox.id}
                      address={mailbox.address}
                      protocol={mailbox.protocol}
                      settings={{ meetings: settings.meetings, tasks: settings.tasks }}
                      onDirtyChange={onActivitiesDirty}
                    />
                  ),
                },
                {
                  id: 'contacts',
                  label: contactsDirty ? (
                    <>
                      {t('nav.contacts')} <span class="tab-dot" aria-hidden="true" />
                      <span class="visually-hidden">{t('syncSettings.unsaved')}</span>
                    </>
                  ) : (
                    t('nav.contacts')
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
