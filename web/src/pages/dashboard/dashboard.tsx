// The dashboard (SPEC E7): deletes waiting for an administrator, each visible mailbox with the
// latest run of each of its contacts, meetings and tasks and "Sync now", the counts per mailbox
// for contacts, meetings and tasks, synced items and errors over time, and the conflicts with
// both versions. A new installation is told what to do first.
import { useState } from 'preact/hooks';
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { t, tx } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Mailbox, SyncDashboardHold } from '../../types.ts';
import { ActivityChart } from './activity-chart.tsx';
import { Conflicts } from './conflicts.tsx';
import { EntityCounts } from './entity-counts.tsx';
import { Holds } from './holds.tsx';
import { MailboxRuns } from './mailbox-runs.tsx';
import './dashboard.css';

function EmptyState(props: { isAdmin: boolean }) {
  return (
    <section class="card empty-state" aria-labelledby="empty-heading">
      <h2 id="empty-heading">{t('dashboard.empty.title')}</h2>
      <p>{t('dashboard.empty.intro')}</p>
      <ol>
        {props.isAdmin && (
          <li>
            {tx('dashboard.empty.step1', {
              services: (text) => <a href="/settings/mail-services">{text}</a>,
              add: (text) => <a href="/settings/mail-services/new">{text}</a>,
            })}
          </li>
        )}
        <li>{t('dashboard.empty.step2')}</li>
        <li>{t('dashboard.empty.step3')}</li>
      </ol>
      <p>
        <a class="button primary" href="/settings/mailboxes/new">
          {t('dashboard.empty.connect')}
        </a>
      </p>
    </section>
  );
}

export function Dashboard() {
  const { me } = useSession();
  // Bumped after a run or a decision so that the chart, conflicts and holds load again.
  const [version, setVersion] = useState(0);
  const [holdMessage, setHoldMessage] = useState<string | null>(null);
  const refresh = () => setVersion((v) => v + 1);
  const [mailboxes, reloadMailboxes] = useLoad(
    (signal) => get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal).then((r) => r.items),
    [version],
  );
  const [holds] = useLoad(
    (signal) =>
      get<{ items: SyncDashboardHold[] }>('/api/v1/sync/holds', undefined, signal).then((r) => r.items),
    [version],
  );
  return (
    <Page title={t('nav.dashboard')}>
      <div class="dashboard">
        <Loading value={mailboxes} what={t('dashboard.mailboxesWhat')} retry={() => void reloadMailboxes()}>
          {(items) =>
            items.length === 0 ? (
              <EmptyState isAdmin={me.isAdmin} />
            ) : (
              <>
                {holds.data && (
                  <Holds
                    holds={holds.data}
                    isAdmin={me.isAdmin}
                    message={holdMessage}
                    onDecided={(message) => {
                      setHoldMessage(message);
                      refresh();
                    }}
                  />
                )}
                <section aria-labelledby="mailboxes-heading">
                  <h2 id="mailboxes-heading">
                    {me.isAdmin ? t('nav.mailboxes') : t('dashboard.yourMailboxes')}
                  </h2>
                  <div class="mailbox-grid">
                    {items.map((m) => (
                      <MailboxRuns key={m.id} mailbox={m} version={version} onSynced={refresh} />
                    ))}
                  </div>
                </section>
                <EntityCounts version={version} />
                <ActivityChart version={version} />
                <Conflicts version={version} />
              </>
            )
          }
        </Loading>
      </div>
    </Page>
  );
}
