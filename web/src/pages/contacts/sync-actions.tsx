// The "Actions" menu of the contact screens, as in the seeds: Sync contacts → Run sync, and
// Configure <mailbox>… for each of the user's own mailboxes. A run is done in the foreground
// (POST …/runs?wait=true) so that the page can show its progress and then its result.
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf, post } from '../../api.ts';
import type { Loaded } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { duration } from '../../components/time.ts';
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
      <summary aria-haspopup="menu">Actions</summary>
      <div class="menu-items">
        <div class="menu-heading" id="sync-contacts-heading">
          Sync contacts
        </div>
        <ul class="crm-menu-list" aria-labelledby="sync-contacts-heading">
          {sync.mailboxes.state === 'loading' && sync.mailboxes.data === undefined && (
            <li class="muted crm-menu-note">Loading your mailboxes…</li>
          )}
          {sync.mailboxes.state === 'failed' && <li class="crm-menu-note">{sync.mailboxes.error}</li>}
          {sync.mailboxes.data !== undefined && mailboxes.length === 0 && (
            <li>
              <a href="/settings/mailboxes/new">Connect a mailbox…</a>
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
                Run sync
              </button>
            </li>
          )}
          {mailboxes.map((m) => (
            <li key={m.id}>
              <a href={`/settings/mailboxes/${encodeURIComponent(m.id)}/sync`}>Configure {m.address}…</a>
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

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 imported (2 new, 1 changed), 1 exported, 1 skipped" */
function runSummary(run: SyncRun): string {
  const parts: string[] = [];
  for (const direction of ['import', 'export'] as const) {
    const c = run.counts[direction];
    const n = total(run, direction);
    if (n === 0) continue;
    const detail = [
      c.created && `${c.created} new`,
      c.updated && `${c.updated} changed`,
      c.deleted && `${c.deleted} deleted`,
      c.unlinked && `${c.unlinked} unlinked`,
    ].filter(Boolean);
    parts.push(`${n} ${direction === 'import' ? 'imported' : 'exported'} (${detail.join(', ')})`);
  }
  if (parts.length === 0) parts.push('nothing to change');
  if (run.conflicts) parts.push(plural(run.conflicts, 'conflict'));
  if (run.skipped.length) parts.push(`${run.skipped.length} skipped`);
  if (run.errors.length) parts.push(plural(run.errors.length, 'error'));
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
        title={busy ? 'Syncing contacts…' : 'Contact sync finished'}
      >
        <ul class="crm-plain-list">
          {props.runs.map((r) => (
            <li key={r.mailbox.id}>
              {r.state === 'waiting' && <span class="muted">{r.mailbox.address}: waiting</span>}
              {r.state === 'running' && (
                <span aria-busy="true">
                  <span class="spinner" aria-hidden="true" /> Syncing with {r.mailbox.address}…
                </span>
              )}
              {r.state === 'refused' && (
                <span>
                  {r.mailbox.address}: not synced. {r.message}
                </span>
              )}
              {r.state === 'done' && <RunResult mailbox={r.mailbox} run={r.run} />}
            </li>
          ))}
        </ul>
        {!busy && (
          <div class="form-actions">
            <a href="/">See the runs on the dashboard</a>
            <button type="button" class="link" onClick={props.onDismiss}>
              Dismiss
            </button>
          </div>
        )}
      </Notice>
    </div>
  );
}

function RunResult(props: { mailbox: Mailbox; run: SyncRun }) {
  const { run } = props;
  const verb =
    run.status === 'succeeded'
      ? 'synced'
      : run.status === 'held'
        ? 'held: it would delete many items and waits for an administrator to confirm on the dashboard'
        : run.status;
  return (
    <span>
      <strong>{props.mailbox.address}</strong>: {verb} in {duration(run.durationMs)} — {runSummary(run)}.
      {run.errors.length > 0 && (
        <ul>
          {run.errors.slice(0, 3).map((e) => (
            <li key={`${e.ref}-${e.code}`}>{runErrorText(e)}</li>
          ))}
          {run.errors.length > 3 && <li>…and {run.errors.length - 3} more on the dashboard.</li>}
        </ul>
      )}
    </span>
  );
}
