// Settings → Mailboxes: the user's mailboxes (administrators: everyone's) with their health and
// last sync, a way to each mailbox's page and sync settings, and "Add mailbox".
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { type Page as ApiPage, get } from '../../api.ts';
import { Address } from '../../components/address.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { ago } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Mailbox, SyncRun, User } from '../../types.ts';
import { HealthBadge, healthOf } from './health.tsx';
import './mailboxes.css';

interface Row {
  mailbox: Mailbox;
  lastRun: SyncRun | null;
}

export function MailboxList() {
  const { me } = useSession();
  const { route, query } = useLocation();
  // After Microsoft's consent the server returns here with the new mailbox: show it.
  const connected = query.mailboxConnected;
  useEffect(() => {
    if (connected)
      route(
        `/settings/mailboxes/${encodeURIComponent(connected)}?mailboxConnected=${encodeURIComponent(connected)}`,
        true,
      );
  }, [connected, route]);

  const [rows, reload] = useLoad(async (signal) => {
    const { items } = await get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal);
    // The last run tells people when the mailbox last synced; a mailbox without one just shows "never".
    return Promise.all(
      items.map(async (mailbox): Promise<Row> => {
        const runs = await get<{ items: SyncRun[] }>(
          `/api/v1/mailboxes/${mailbox.id}/runs`,
          { limit: 1 },
          signal,
        ).catch(() => ({ items: [] as SyncRun[] }));
        return { mailbox, lastRun: runs.items[0] ?? null };
      }),
    );
  }, []);
  const [owners] = useLoad(
    async (signal) => {
      if (!me.isAdmin) return new Map<string, string>();
      const page = await get<ApiPage<User>>('/api/v1/users', { limit: 500 }, signal);
      return new Map(page.items.map((u) => [u.id, u.displayName || u.email]));
    },
    [me.isAdmin],
  );

  return (
    <Page
      title={t('nav.mailboxes')}
      actions={
        <a class="button primary" href="/settings/mailboxes/new">
          {t('mailboxes.add')}
        </a>
      }
    >
      <p class="muted">{me.isAdmin ? t('mailboxes.introAdmin') : t('mailboxes.intro')}</p>
      <Loading value={rows} what={t('mailboxes.what')} retry={() => void reload()}>
        {(data) =>
          data.length === 0 ? (
            <Notice kind="info" title={t('mailboxes.none')}>
              {t('mailboxes.noneText')} <a href="/settings/mailboxes/new">{t('mailboxes.add')}</a>
            </Notice>
          ) : (
            <div class="table-wrap contains-hidden">
              <table class="stack" aria-label={t('nav.mailboxes')}>
                <thead>
                  <tr>
                    <th scope="col">{t('mailboxes.col.mailbox')}</th>
                    {me.isAdmin && <th scope="col">{t('mailboxes.col.owner')}</th>}
                    <th scope="col">{t('mailboxes.col.service')}</th>
                    <th scope="col">{t('mailboxes.col.health')}</th>
                    <th scope="col">{t('mailboxes.col.lastSync')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t('mailboxes.col.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map(({ mailbox, lastRun }) => {
                    const health = healthOf(mailbox);
                    return (
                      <tr key={mailbox.id}>
                        <td data-label={t('mailboxes.col.mailbox')}>
                          <a href={`/settings/mailboxes/${mailbox.id}`}>
                            <Address value={mailbox.address} />
                          </a>
                        </td>
                        {me.isAdmin && (
                          <td data-label={t('mailboxes.col.owner')}>
                            {owners.data?.get(mailbox.userId) ?? '—'}
                          </td>
                        )}
                        <td data-label={t('mailboxes.col.service')}>
                          {mailbox.serviceName ?? <span class="muted">{t('mailboxes.deletedService')}</span>}
                        </td>
                        <td data-label={t('mailboxes.col.health')}>
                          <HealthBadge mailbox={mailbox} />
                          {health.kind === 'error' && mailbox.lastError && (
                            <div class="muted small-text">{mailbox.lastError.message}</div>
                          )}
                        </td>
                        <td data-label={t('mailboxes.col.lastSync')}>
                          {lastRun ? (
                            <span title={lastRun.startedAt}>
                              {ago(lastRun.finishedAt ?? lastRun.startedAt)} · {runStatusLabel(lastRun)}
                            </span>
                          ) : (
                            <span class="muted">{t('common.never')}</span>
                          )}
                        </td>
                        <td>
                          {mailbox.status !== 'disconnected' && (
                            <a href={`/settings/mailboxes/${mailbox.id}/sync`}>
                              {t('dashboard.syncSettings')}
                              <span class="visually-hidden">
                                {' '}
                                {t('dashboard.ofMailbox', { address: mailbox.address })}
                              </span>
                            </a>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </Page>
  );
}

export function runStatusLabel(run: SyncRun): string {
  return t('mailboxes.runStatus', { status: run.status, errors: run.errors.length });
}
