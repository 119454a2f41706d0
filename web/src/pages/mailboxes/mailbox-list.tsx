// Settings → Mailboxes: the user's mailboxes (administrators: everyone's) with their health and
// last sync, a way to each mailbox's page and sync settings, and "Add mailbox".
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { type Page as ApiPage, get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { ago } from '../../components/time.ts';
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
      title="Mailboxes"
      actions={
        <a class="button primary" href="/settings/mailboxes/new">
          Add mailbox
        </a>
      }
    >
      <p class="muted">
        {me.isAdmin
          ? 'Every mailbox connected to Exsync, by any user.'
          : 'The mailboxes you connected. Exsync syncs each with the CRM by its own sync settings.'}
      </p>
      <Loading value={rows} what="the mailboxes" retry={() => void reload()}>
        {(data) =>
          data.length === 0 ? (
            <Notice kind="info" title="No mailbox connected yet">
              Add your mailbox by typing its email address: Exsync finds the mail service and asks for what it
              needs. <a href="/settings/mailboxes/new">Add mailbox</a>
            </Notice>
          ) : (
            <div class="table-wrap contains-hidden">
              <table aria-label="Mailboxes">
                <thead>
                  <tr>
                    <th scope="col">Mailbox</th>
                    {me.isAdmin && <th scope="col">Owner</th>}
                    <th scope="col">Mail service</th>
                    <th scope="col">Health</th>
                    <th scope="col">Last sync</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map(({ mailbox, lastRun }) => {
                    const health = healthOf(mailbox);
                    return (
                      <tr key={mailbox.id}>
                        <td>
                          <a href={`/settings/mailboxes/${mailbox.id}`}>{mailbox.address}</a>
                        </td>
                        {me.isAdmin && <td>{owners.data?.get(mailbox.userId) ?? '—'}</td>}
                        <td>{mailbox.serviceName ?? <span class="muted">deleted service</span>}</td>
                        <td>
                          <HealthBadge mailbox={mailbox} />
                          {health.kind === 'error' && mailbox.lastError && (
                            <div class="muted small-text">{mailbox.lastError.message}</div>
                          )}
                        </td>
                        <td>
                          {lastRun ? (
                            <span title={lastRun.startedAt}>
                              {ago(lastRun.finishedAt ?? lastRun.startedAt)} · {runStatusLabel(lastRun)}
                            </span>
                          ) : (
                            <span class="muted">never</span>
                          )}
                        </td>
                        <td>
                          {mailbox.status !== 'disconnected' && (
                            <a href={`/settings/mailboxes/${mailbox.id}/sync`}>
                              Sync settings<span class="visually-hidden"> of {mailbox.address}</span>
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
  switch (run.status) {
    case 'running':
      return 'running';
    case 'succeeded':
      return run.errors.length > 0 ? `done with ${run.errors.length} error(s)` : 'succeeded';
    case 'failed':
      return 'failed';
    case 'held':
      return 'held by the mass-delete guard';
    case 'abandoned':
      return 'abandoned';
  }
}
