// One mailbox on the dashboard: its health, its latest run with the counts per direction, "Sync
// now" with the time it has been running, and the run history with each run's skipped items and
// errors on demand.
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, get, messageOf, post } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { ago, dateTime, duration } from '../../components/time.ts';
import type { Mailbox, SyncRun } from '../../types.ts';
import { HealthBadge, healthOf } from '../mailboxes/health.tsx';
import { COUNT_KEYS, DIRECTIONS, RUN_STATUS, RUN_TOTALS, runSummary, TRIGGERS, total } from './format.ts';
import { NumberHeads } from './number-heads.tsx';

const HISTORY = 10;

export function StatusBadge(props: { run: SyncRun }) {
  const s = RUN_STATUS[props.run.status];
  return <span class={s.kind === 'off' ? 'badge' : `badge badge-${s.kind}`}>{s.label}</span>;
}

/** Created/updated/deleted/unlinked for both directions. */
export function CountsTable(props: { run: SyncRun; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="counts">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Direction</th>
            <NumberHeads labels={COUNT_KEYS.map((k) => k.charAt(0).toUpperCase() + k.slice(1))} />
          </tr>
        </thead>
        <tbody>
          {DIRECTIONS.map((d) => (
            <tr key={d.key}>
              <th scope="row">{d.label}</th>
              {COUNT_KEYS.map((k) => (
                <td key={k} class="num">
                  {props.run.counts[d.key][k]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunFacts(props: { run: SyncRun }) {
  const { run } = props;
  return (
    <dl class="run-facts">
      <div>
        <dt>Conflicts</dt>
        <dd>{run.conflicts}</dd>
      </div>
      <div>
        <dt>Skipped</dt>
        <dd>{run.skipped.length}</dd>
      </div>
      <div>
        <dt>Errors</dt>
        <dd class={run.errors.length ? 'has-errors' : undefined}>{run.errors.length}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>{run.status === 'running' ? 'running…' : duration(run.durationMs)}</dd>
      </div>
    </dl>
  );
}

export function RunDetails(props: { run: SyncRun }) {
  const { run } = props;
  return (
    <div class="run-details">
      <p class="muted">
        Started {dateTime(run.startedAt)}, {TRIGGERS[run.trigger] ?? run.trigger}
        {run.exchangeRequests !== null && `, ${run.exchangeRequests} requests to Exchange`}.
      </p>
      <h4>Errors</h4>
      {run.errors.length === 0 ? (
        <p class="muted">No errors.</p>
      ) : (
        <ul class="run-list">
          {run.errors.map((e, i) => (
            <li key={i}>
              <code>{e.ref}</code>: {e.message} <span class="muted">({e.code})</span>
            </li>
          ))}
        </ul>
      )}
      <h4>Skipped items</h4>
      {run.skipped.length === 0 ? (
        <p class="muted">Nothing was skipped.</p>
      ) : (
        <ul class="run-list">
          {run.skipped.map((s, i) => (
            <li key={i}>
              <code>{s.ref}</code>: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function History(props: { runs: SyncRun[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div class="table-wrap">
      <table class="history">
        <caption class="visually-hidden">Latest runs</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <NumberHeads labels={[...RUN_TOTALS, 'Duration']} />
            <th scope="col">
              <span class="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((run) => [
            <tr key={run.id}>
              <td title={dateTime(run.startedAt)}>{ago(run.startedAt)}</td>
              <td>
                <StatusBadge run={run} />
              </td>
              <td class="num">{total(run.counts.export)}</td>
              <td class="num">{total(run.counts.import)}</td>
              <td class="num">{run.conflicts}</td>
              <td class="num">{run.skipped.length}</td>
              <td class="num">{run.errors.length}</td>
              <td class="num">{duration(run.durationMs)}</td>
              <td>
                <button
                  type="button"
                  class="link"
                  aria-expanded={open === run.id}
                  aria-controls={`run-${run.id}`}
                  onClick={() => setOpen(open === run.id ? null : run.id)}
                >
                  {open === run.id ? 'Hide details' : 'Details'}
                  <span class="visually-hidden"> of the run {dateTime(run.startedAt)}</span>
                </button>
              </td>
            </tr>,
            open === run.id && (
              <tr key={`${run.id}-details`} id={`run-${run.id}`}>
                <td colSpan={9}>
                  <CountsTable run={run} caption="Counts of this run" />
                  <RunDetails run={run} />
                </td>
              </tr>
            ),
          ])}
        </tbody>
      </table>
    </div>
  );
}

/** Seconds since `since`, ticking while set. */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (since === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.round((now - since) / 1000));
}

export function MailboxRuns(props: { mailbox: Mailbox; version: number; onSynced: () => void }) {
  const { mailbox } = props;
  const [runs, reload] = useLoad(
    (signal) =>
      get<{ items: SyncRun[] }>(`/api/v1/mailboxes/${mailbox.id}/runs`, { limit: HISTORY }, signal).then(
        (r) => r.items,
      ),
    [mailbox.id, props.version],
  );
  const [syncingSince, setSyncingSince] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'warning' | 'error'; text: string } | null>(
    null,
  );
  const [showHistory, setShowHistory] = useState(false);
  const elapsed = useElapsed(syncingSince);
  const health = healthOf(mailbox);
  const canSync = mailbox.status !== 'disconnected' && mailbox.status !== 'pending';

  const syncNow = async () => {
    setSyncingSince(Date.now());
    setOutcome(null);
    try {
      const answer = await post<{ run?: SyncRun; message: string }>(
        `/api/v1/mailboxes/${mailbox.id}/runs`,
        { entity: 'contacts' },
        { wait: 'true' },
      );
      const run = answer.run;
      setOutcome({
        kind: run?.status === 'failed' ? 'error' : run?.status === 'held' ? 'warning' : 'success',
        text: run ? runSummary(run) : answer.message,
      });
    } catch (error) {
      setOutcome({
        kind: error instanceof ApiProblem && error.status === 409 ? 'warning' : 'error',
        text: messageOf(error),
      });
    } finally {
      setSyncingSince(null);
      props.onSynced();
    }
  };

  const headingId = `mailbox-${mailbox.id}`;
  return (
    <article class={showHistory ? 'card mailbox-runs wide' : 'card mailbox-runs'} aria-labelledby={headingId}>
      <header class="mailbox-runs-head">
        <h3 id={headingId}>{mailbox.address}</h3>
        <HealthBadge mailbox={mailbox} />
      </header>
      {health.advice && health.kind !== 'ok' && (
        <p class="muted small">
          {health.advice} <a href={`/settings/mailboxes/${mailbox.id}`}>Open the mailbox</a>
        </p>
      )}
      <Loading value={runs} what={`the runs of ${mailbox.address}`} retry={() => void reload()}>
        {(items) => {
          const latest = items[0];
          if (!latest)
            return (
              <p class="muted">
                Not synced yet. Press “Sync now” to bring its contacts into the CRM and the CRM’s into the
                mailbox.
              </p>
            );
          return (
            <>
              <p class="latest">
                Latest run <StatusBadge run={latest} />{' '}
                <span title={dateTime(latest.startedAt)}>{ago(latest.startedAt)}</span>
                <span class="muted"> · {TRIGGERS[latest.trigger] ?? latest.trigger}</span>
              </p>
              <CountsTable run={latest} caption={`Latest run of ${mailbox.address}`} />
              <RunFacts run={latest} />
            </>
          );
        }}
      </Loading>
      <div class="mailbox-actions">
        <button
          type="button"
          class="primary"
          disabled={!canSync || syncingSince !== null}
          aria-busy={syncingSince !== null}
          onClick={() => void syncNow()}
        >
          {syncingSince !== null && <span class="spinner" aria-hidden="true" />}
          {syncingSince !== null ? 'Syncing…' : 'Sync now'}
          <span class="visually-hidden"> {mailbox.address}</span>
        </button>
        <button
          type="button"
          class="secondary"
          aria-expanded={showHistory}
          aria-controls={`${headingId}-history`}
          onClick={() => setShowHistory(!showHistory)}
        >
          {showHistory ? 'Hide history' : 'Run history'}
          <span class="visually-hidden"> of {mailbox.address}</span>
        </button>
        <a href={`/settings/mailboxes/${mailbox.id}/sync`}>
          Sync settings<span class="visually-hidden"> of {mailbox.address}</span>
        </a>
      </div>
      <div role="status" class="sync-progress">
        {syncingSince !== null &&
          `Syncing ${mailbox.address}… ${elapsed} s. The new run appears here when it is done.`}
      </div>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      {showHistory && (
        <div id={`${headingId}-history`}>
          {runs.data && runs.data.length > 0 ? (
            <History runs={runs.data} />
          ) : (
            <p class="muted">No runs yet.</p>
          )}
        </div>
      )}
    </article>
  );
}
