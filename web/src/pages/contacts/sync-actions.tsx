// The "Actions" menu of the contact screens, as in the seeds: Sync contacts → Run sync, and
// Configure <mailbox>… for each of the user's own mailboxes. A run is done in the foreground
// (POST …/runs?wait=true) so that the page can show its progress and then its result.
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf, post } from '../../api.ts';
import type { Loaded } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { duration } from '../../components/time.ts';
import { t, tx } from '../../i18n.ts';
import type { Mailbox, SyncRun } from '../../types.ts';
import { runErrorText } from '../dashboard/format.ts';

type RunState =
  | { mailbox: Mailbox; state: 'waiting' | 'running' }
  | { mailbox: Mailbox; state: 'done'; run: SyncRun }
  | { mailbox: Mailbox; state: 'refused'; message: string };

interface SyncNowAnswer {
  queued: boolean;
  message: string;
  run?: SyncRun;
}

/** The mailboxes the Actions menu offers: the user's own, connected ones. */
export function ownMailboxes(all: Mailbox[], userId: string): Mailbox[] {
  return all.filter((m) => m.userId === userId && m.status !== 'disconnected');
}

/** The state of "Run sync": which mailboxes are being synced and how each run ended. */
export function useContactSync(mailboxes: Loaded<Mailbox[]>, onSynced?: () => void) {
  const [runs, setRuns] = useState<RunState[] | null>(null);
  const busy = runs?.some((r) => r.state === 'waiting' || r.state === 'running') ?? false;

  const run = async () => {
    const targets = mailboxes.data ?? [];
    const states: RunState[] = targets.map((mailbox) => ({ mailbox, state: 'waiting' }));
    setRuns([...states]);
    // One mailbox after the other: each run reads and writes the same contacts.
    for (let i = 0; i < targets.length; i++) {
      states[i] = { mailbox: targets[i], state: 'running' };
      setRuns([...states]);
      try {
        const answer = await post<SyncNowAnswer>(
          `/api/v1/mailboxes/${encodeURIComponent(targets[i].id)}/runs`,
          { entity: 'contacts' },
          { wait: true },
        );
        states[i] = answer.run
          ? { mailbox: targets[i], state: 'done', run: answer.run }
          : { mailbox: targets[i], state: 'refused', message: answer.message };
      } catch (error) {
        states[i] = { mailbox: targets[i], state: 'refused', message: messageOf(error) };
      }
      setRuns([...states]);
      onSynced?.();
    }
  };
  return { mailboxes, runs, busy, run, dismiss: () => setRuns(null) };
}

export type ContactSync = ReturnType<typeof useContactSync>;

export function SyncActionsMenu({ sync }: { sync: ContactSync }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const mailboxes = sync.mailboxes.data ?? [];

  const close = (focusSummary: boolean) => {
    if (!menu.current) return;
    menu.current.open = false;
    if (focusSummary) menu.current.querySelector('summary')?.focus();
  };

  // A click outside closes the menu, as a menu should.
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (menu.current?.open && !menu.current.contains(event.target as Node)) close(false);
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);

  return (
    <details
      class="menu"
      ref={menu}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && menu.current?.open) {
          event.preventDefault();
          close(true);
        }
      }}
    >
      <summary aria-haspopup="menu">{t('contacts.sync.actions')}</summary>
      <div class="menu-items">
        <div class="menu-heading" id="sync-contacts-heading">
          {t('contacts.sync.heading')}
        </div>
        <ul class="crm-menu-list" aria-labelledby="sync-contacts-heading">
          {sync.mailboxes.state === 'loading' && sync.mailboxes.data === undefined && (
            <li class="muted crm-menu-note">{t('contacts.sync.loadingMailboxes')}</li>
          )}
          {sync.mailboxes.state === 'failed' && <li class="crm-menu-note">{sync.mailboxes.error}</li>}
          {sync.mailboxes.data !== undefined && mailboxes.length === 0 && (
            <li>
              <a href="/settings/mailboxes/new">{t('contacts.sync.connect')}</a>
            </li>
          )}
          {mailboxes.length > 0 && (
            <li>
              <button
                type="button"
                disabled={sync.busy}
                onClick={() => {
                  close(true);
                  void sync.run();
                }}
              >
                {t('contacts.sync.run')}
              </button>
            </li>
          )}
          {mailboxes.map((m) => (
            <li key={m.id}>
              <a href={`/settings/mailboxes/${encodeURIComponent(m.id)}/sync`}>
                {t('contacts.sync.configure', { address: m.address })}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

/** Progress of "Run sync", then its result per mailbox; shown below the screen's title. */
export function SyncProgress({ sync }: { sync: ContactSync }) {
  if (!sync.runs) return null;
  return <RunProgress runs={sync.runs} onDismiss={sync.busy ? undefined : sync.dismiss} />;
}

function total(run: SyncRun, direction: 'import' | 'export'): number {
  const c = run.counts[direction];
  return c.created + c.updated + c.deleted + c.unlinked;
}

/** "3 imported (2 new, 1 changed), 1 exported, 1 skipped" */
function runSummary(run: SyncRun): string {
  const parts: string[] = [];
  for (const direction of ['import', 'export'] as const) {
    const c = run.counts[direction];
    const n = total(run, direction);
    if (n === 0) continue;
    const detail = [
      c.created && t('contacts.sync.new', { count: c.created }),
      c.updated && t('contacts.sync.changed', { count: c.updated }),
      c.deleted && t('contacts.sync.deleted', { count: c.deleted }),
      c.unlinked && t('contacts.sync.unlinked', { count: c.unlinked }),
    ].filter(Boolean);
    parts.push(
      t(direction === 'import' ? 'contacts.sync.imported' : 'contacts.sync.exported', {
        count: n,
        detail: detail.join(', '),
      }),
    );
  }
  if (parts.length === 0) parts.push(t('contacts.sync.nothing'));
  if (run.conflicts) parts.push(t('contacts.sync.conflicts', { count: run.conflicts }));
  if (run.skipped.length) parts.push(t('contacts.sync.skipped', { count: run.skipped.length }));
  if (run.errors.length) parts.push(t('contacts.sync.errors', { count: run.errors.length }));
  return parts.join(', ');
}

function RunProgress(props: { runs: RunState[]; onDismiss?: () => void }) {
  const busy = props.onDismiss === undefined;
  const failed = props.runs.some(
    (r) =>
      r.state === 'refused' || (r.state === 'done' && (r.run.status === 'failed' || r.run.errors.length)),
  );
  return (
    <div class="crm-sync-progress">
      <Notice
        kind={busy ? 'info' : failed ? 'warning' : 'success'}
        title={busy ? t('contacts.sync.syncing') : t('contacts.sync.finished')}
      >
        <ul class="crm-plain-list">
          {props.runs.map((r) => (
            <li key={r.mailbox.id}>
              {r.state === 'waiting' && (
                <span class="muted">{t('contacts.sync.waiting', { address: r.mailbox.address })}</span>
              )}
              {r.state === 'running' && (
                <span aria-busy="true">
                  <span class="spinner" aria-hidden="true" />{' '}
                  {t('contacts.sync.syncingWith', { address: r.mailbox.address })}
                </span>
              )}
              {r.state === 'refused' && (
                <span>{t('contacts.sync.refused', { address: r.mailbox.address, message: r.message })}</span>
              )}
              {r.state === 'done' && <RunResult mailbox={r.mailbox} run={r.run} />}
            </li>
          ))}
        </ul>
        {!busy && (
          <div class="form-actions">
            <a href="/">{t('contacts.sync.dashboard')}</a>
            <button type="button" class="link" onClick={props.onDismiss}>
              {t('contacts.sync.dismiss')}
            </button>
          </div>
        )}
      </Notice>
    </div>
  );
}

function RunResult(props: { mailbox: Mailbox; run: SyncRun }) {
  const { run } = props;
  return (
    <span>
      {tx('contacts.sync.result', {
        strong: (text) => <strong>{text}</strong>,
        address: props.mailbox.address,
        status: run.status,
        duration: duration(run.durationMs),
        summary: runSummary(run),
      })}
      {run.errors.length > 0 && (
        <ul>
          {run.errors.slice(0, 3).map((e) => (
            <li key={`${e.ref}-${e.code}`}>{runErrorText(e)}</li>
          ))}
          {run.errors.length > 3 && (
            <li>{t('contacts.sync.moreErrors', { count: run.errors.length - 3 })}</li>
          )}
        </ul>
      )}
    </span>
  );
}
