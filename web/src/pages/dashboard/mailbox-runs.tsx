// One mailbox on the dashboard: its health, the latest run of each entity (contacts, meetings,
// tasks) with the counts per direction, "Sync now" (every entity switched on, one run each, the
// outcome per entity) with the counts of the run as it goes, and the run history of each entity
// with each run's skipped items and errors on demand. Every entity is shown, so a part of a sync
// that failed stands beside the parts that succeeded. While a run is running (started here, by
// the schedule or after a decision on a held run), the runs are read again every few seconds
// until it ends.
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, get, messageOf, post } from '../../api.ts';
import { Address } from '../../components/address.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { ago, dateTime, duration } from '../../components/time.ts';
import { formatNumber, t } from '../../i18n.ts';
import type { Mailbox, SyncRun, SyncRunsPerEntity } from '../../types.ts';
import { HealthBadge, healthOf } from '../mailboxes/health.tsx';
import { entityName, type SyncEntity, switchedOnEntities } from '../mailboxes/sync-entities.ts';
import {
  COUNT_KEYS,
  countHead,
  DIRECTIONS,
  runChanges,
  runErrorText,
  runStatus,
  runSummary,
  runTotals,
  total,
  trigger,
} from './format.ts';
import { NumberHeads } from './number-heads.tsx';
import { SkippedItem } from './skipped-item.tsx';

/** Runs of each entity the history lists. */
const HISTORY = 10;
/** How often a running run's counts are read again. */
const POLL_MS = 2000;

export function StatusBadge(props: { run: SyncRun }) {
  const s = runStatus(props.run.status);
  return <span class={s.kind === 'off' ? 'badge' : `badge badge-${s.kind}`}>{s.label}</span>;
}

/** Created/updated/deleted/unlinked for both directions. */
export function CountsTable(props: { run: SyncRun; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="counts stack">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('run.head.direction')}</th>
            <NumberHeads labels={COUNT_KEYS.map(countHead)} />
          </tr>
        </thead>
        <tbody>
          {DIRECTIONS.map((d) => (
            <tr key={d.key}>
              <th scope="row">{t(d.label)}</th>
              {COUNT_KEYS.map((k) => (
                <td key={k} class="num" data-label={countHead(k)}>
                  {formatNumber(props.run.counts[d.key][k])}
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
        <dt>{t('run.head.conflicts')}</dt>
        <dd>{formatNumber(run.conflicts)}</dd>
      </div>
      <div>
        <dt>{t('run.head.skipped')}</dt>
        <dd>{formatNumber(run.skipped.length)}</dd>
      </div>
      <div>
        <dt>{t('run.head.errors')}</dt>
        <dd class={run.errors.length ? 'has-errors' : undefined}>{formatNumber(run.errors.length)}</dd>
      </div>
      <div>
        <dt>{t('run.head.duration')}</dt>
        <dd>{run.status === 'running' ? t('run.stillRunning') : duration(run.durationMs)}</dd>
      </div>
    </dl>
  );
}

export function RunDetails(props: { run: SyncRun }) {
  const { run } = props;
  return (
    <div class="run-details">
      <p class="muted">
        {t('run.started', {
          when: dateTime(run.startedAt),
          trigger: trigger(run.trigger),
          requests: run.exchangeRequests ?? -1,
        })}
      </p>
      <h4>{t('run.head.errors')}</h4>
      {run.errors.length === 0 ? (
        <p class="muted">{t('run.noErrors')}</p>
      ) : (
        <ul class="run-list">
          {run.errors.map((e, i) => (
            <li key={i}>{runErrorText(e)}</li>
          ))}
        </ul>
      )}
      <h4>{t('run.skippedItems')}</h4>
      {run.skipped.length === 0 ? (
        <p class="muted">{t('run.nothingSkipped')}</p>
      ) : (
        <ul class="run-list">
          {run.skipped.map((s, i) => (
            <li key={i}>
              <SkippedItem item={s} entity={run.entity} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type EntityRuns = SyncRunsPerEntity['items'][number];

function History(props: { runs: SyncRun[]; caption: string }) {
  const [open, setOpen] = useState<string | null>(null);
  const totals = runTotals();
  return (
    <div class="table-wrap">
      <table class="history stack">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('run.head.when')}</th>
            <th scope="col">{t('run.head.status')}</th>
            <NumberHeads labels={[...totals, t('run.head.duration')]} />
            <th scope="col">
              <span class="visually-hidden">{t('run.details')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((run) => [
            <tr key={run.id}>
              <td data-label={t('run.head.when')} title={dateTime(run.startedAt)}>
                {ago(run.startedAt)}
              </td>
              <td data-label={t('run.head.status')}>
                <StatusBadge run={run} />
              </td>
              <td class="num" data-label={totals[0]}>
                {formatNumber(total(run.counts.export))}
              </td>
              <td class="num" data-label={totals[1]}>
                {formatNumber(total(run.counts.import))}
              </td>
              <td class="num" data-label={totals[2]}>
                {formatNumber(run.conflicts)}
              </td>
              <td class="num" data-label={totals[3]}>
                {formatNumber(run.skipped.length)}
              </td>
              <td class="num" data-label={totals[4]}>
                {formatNumber(run.errors.length)}
              </td>
              <td class="num" data-label={t('run.head.duration')}>
                {duration(run.durationMs)}
              </td>
              <td>
                <button
                  type="button"
                  class="link"
                  aria-expanded={open === run.id}
                  aria-controls={`run-${run.id}`}
                  onClick={() => setOpen(open === run.id ? null : run.id)}
                >
                  {open === run.id ? t('run.hideDetails') : t('run.details')}
                  <span class="visually-hidden"> {t('run.ofRun', { when: dateTime(run.startedAt) })}</span>
                </button>
              </td>
            </tr>,
            open === run.id && (
              <tr key={`${run.id}-details`} id={`run-${run.id}`}>
                <td colSpan={9}>
                  <CountsTable run={run} caption={t('run.countsCaption')} />
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

/** One entity's latest run: how it ended and when, what it changed, its conflicts and errors. */
function EntityLatest(props: { item: EntityRuns; address: string }) {
  const { item, address } = props;
  const latest = item.runs[0];
  return (
    <div class="entity-run">
      <div class="entity-run-head">
        <h4>{entityName(item.entity)}</h4>
        {latest ? (
          <span class="latest">
            {t('run.latest')} <StatusBadge run={latest} />{' '}
            <span title={dateTime(latest.startedAt)}>{ago(latest.startedAt)}</span>
            <span class="muted"> · {trigger(latest.trigger)}</span>
          </span>
        ) : (
          <span class="muted">{t('dashboard.entities.never')}</span>
        )}
      </div>
      {latest && (
        <>
          {latest.status === 'failed' && latest.errors.length > 0 && (
            <p class="run-error">{t('run.failedBecause', { error: runErrorText(latest.errors[0]) })}</p>
          )}
          <CountsTable
            run={latest}
            caption={t('dashboard.latestCaption', { entity: entityName(item.entity), address })}
          />
          <RunFacts run={latest} />
        </>
      )}
    </div>
  );
}

/** How one entity's run of "Sync now" ended, in a sentence. */
interface Outcome {
  kind: 'success' | 'warning' | 'error';
  entity?: SyncEntity;
  text: string;
}

const KIND_ORDER: Outcome['kind'][] = ['error', 'warning', 'success'];
const worstKind = (lines: Outcome[]) => KIND_ORDER.find((k) => lines.some((l) => l.kind === k)) ?? 'success';

/** One entity's run in the foreground: its summary, or why it did not run. */
async function syncEntity(mailboxId: string, entity: SyncEntity): Promise<Outcome> {
  try {
    const answer = await post<{ run?: SyncRun; message: string }>(
      `/api/v1/mailboxes/${mailboxId}/runs`,
      { entity },
      { wait: 'true' },
    );
    const run = answer.run;
    return {
      kind: run?.status === 'failed' ? 'error' : run?.status === 'held' ? 'warning' : 'success',
      entity,
      text: run ? runSummary(run) : answer.message,
    };
  } catch (error) {
    return {
      kind: error instanceof ApiProblem && error.status === 409 ? 'warning' : 'error',
      entity,
      text: messageOf(error),
    };
  }
}

/** Reads the runs again every POLL_MS while `active`. */
function usePolling(active: boolean, reload: () => Promise<void>): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, reload]);
}

export function MailboxRuns(props: { mailbox: Mailbox; version: number; onSynced: () => void }) {
  const { mailbox } = props;
  const [runs, reload] = useLoad(
    (signal) =>
      get<SyncRunsPerEntity>(`/api/v1/mailboxes/${mailbox.id}/latest-runs`, { limit: HISTORY }, signal).then(
        (r) => r.items,
      ),
    [mailbox.id, props.version],
  );
  const [syncingSince, setSyncingSince] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome[] | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  // The entity whose latest run is going on, whoever started it.
  const runningNow = runs.data?.find((e) => e.runs[0]?.status === 'running');
  const running = syncingSince !== null || runningNow !== undefined;
  usePolling(running, reload);
  const health = healthOf(mailbox);
  const canSync = mailbox.status !== 'disconnected' && mailbox.status !== 'pending';

  // Every entity switched on in the mailbox's sync settings, one run after the other.
  const syncNow = async () => {
    setSyncingSince(Date.now());
    setOutcome(null);
    const lines: Outcome[] = [];
    try {
      const entities = await switchedOnEntities(mailbox.id);
      if (entities.length === 0) lines.push({ kind: 'warning', text: t('mailbox.allOff') });
      for (const entity of entities) lines.push(await syncEntity(mailbox.id, entity));
    } catch (error) {
      lines.push({ kind: 'error', text: messageOf(error) });
    } finally {
      setOutcome(lines);
      setSyncingSince(null);
      props.onSynced();
    }
  };

  const headingId = `mailbox-${mailbox.id}`;
  return (
    <article class={showHistory ? 'card mailbox-runs wide' : 'card mailbox-runs'} aria-labelledby={headingId}>
      <header class="mailbox-runs-head">
        <h3 id={headingId}>
          <Address value={mailbox.address} />
        </h3>
        <HealthBadge mailbox={mailbox} />
      </header>
      {health.advice && health.kind !== 'ok' && (
        <p class="muted small">
          {health.advice} <a href={`/settings/mailboxes/${mailbox.id}`}>{t('dashboard.openMailbox')}</a>
        </p>
      )}
      <Loading
        value={runs}
        what={t('dashboard.runsWhat', { address: mailbox.address })}
        retry={() => void reload()}
      >
        {(items) =>
          items.every((e) => e.runs.length === 0) ? (
            <p class="muted">{t('dashboard.notSynced')}</p>
          ) : (
            <div class="entity-runs">
              {items.map((item) => (
                <EntityLatest key={item.entity} item={item} address={mailbox.address} />
              ))}
            </div>
          )
        }
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
          {syncingSince !== null ? t('dashboard.syncing') : t('dashboard.syncNow')}
          <span class="visually-hidden"> {mailbox.address}</span>
        </button>
        <button
          type="button"
          class="secondary"
          aria-expanded={showHistory}
          aria-controls={`${headingId}-history`}
          onClick={() => setShowHistory(!showHistory)}
        >
          {showHistory ? t('dashboard.hideHistory') : t('dashboard.runHistory')}
          <span class="visually-hidden"> {t('dashboard.ofMailbox', { address: mailbox.address })}</span>
        </button>
        <a href={`/settings/mailboxes/${mailbox.id}/sync`}>
          {t('dashboard.syncSettings')}
          <span class="visually-hidden"> {t('dashboard.ofMailbox', { address: mailbox.address })}</span>
        </a>
      </div>
      <div role="status" class="sync-progress" data-testid="sync-progress">
        {running &&
          (runningNow?.runs[0]
            ? t('dashboard.entityOutcome', {
                entity: entityName(runningNow.entity),
                text: t('dashboard.progress', {
                  address: mailbox.address,
                  changes: runChanges(runningNow.runs[0]),
                }),
              })
            : t('dashboard.starting', { address: mailbox.address }))}
      </div>
      {outcome && outcome.length > 0 && (
        <Notice kind={worstKind(outcome)}>
          <ul class="sync-results">
            {outcome.map((o, i) => (
              <li key={o.entity ?? i}>
                {o.entity
                  ? t('dashboard.entityOutcome', { entity: entityName(o.entity), text: o.text })
                  : o.text}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {showHistory && (
        <div id={`${headingId}-history`} class="entity-history">
          {(runs.data ?? []).map((item) => (
            <div key={item.entity}>
              <h4>{entityName(item.entity)}</h4>
              {item.runs.length > 0 ? (
                <History
                  runs={item.runs}
                  caption={t('dashboard.historyCaption', {
                    entity: entityName(item.entity),
                    address: mailbox.address,
                  })}
                />
              ) : (
                <p class="muted">{t('dashboard.noRuns')}</p>
              )}
            </div>
          ))}
        </div>
      )}
    </article>
  );
}
