// One mailbox: its facts and health, test connection, update the password or sign in again,
// "Sync now" with its progress, the latest runs, and disconnect (SPEC A3, A4, A6, E7).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { get, messageOf, post, put } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Address } from '../../components/address.tsx';
import { Confirm, focusSoon } from '../../components/confirm.tsx';
import { Field } from '../../components/field.tsx';
import { useFormProblem } from '../../components/form-problem.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { ago, dateTime, duration } from '../../components/time.ts';
import { formatList, t, tx } from '../../i18n.ts';
import type { ConnectionTest, Mailbox, SyncRun, User } from '../../types.ts';
import { countPhrases, runErrorText } from '../dashboard/format.ts';
import { problemOf, problemTitle } from './connection-problem.ts';
import { HealthBadge, healthOf, signInKind } from './health.tsx';
import { runStatusLabel } from './mailbox-list.tsx';
import { entityName, SYNC_ENTITIES, type SyncEntity, switchedOnEntities } from './sync-entities.ts';
import type { SignInStarted, SyncNowAnswer } from './types.ts';
import './mailboxes.css';

/** How many of the latest runs the page lists. */
const RUNS_SHOWN = 5;

type Message = { kind: 'success' | 'error' | 'info'; title?: string; text: string };

export function MailboxPage(props: { id: string }) {
  const id = props.id;
  const [mailbox, reload] = useLoad(
    (signal) => get<Mailbox>(`/api/v1/mailboxes/${encodeURIComponent(id)}`, undefined, signal),
    [id],
  );
  // The latest runs of every entity, newest first.
  const [runs, reloadRuns] = useLoad(
    async (signal) => {
      const lists = await Promise.all(
        SYNC_ENTITIES.map((entity) =>
          get<{ items: SyncRun[] }>(
            `/api/v1/mailboxes/${encodeURIComponent(id)}/runs`,
            { entity, limit: RUNS_SHOWN },
            signal,
          ),
        ),
      );
      const items = lists
        .flatMap((l) => l.items)
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, RUNS_SHOWN);
      return { items };
    },
    [id],
  );
  return (
    <Loading value={mailbox} what={t('mailbox.what')} retry={() => void reload()}>
      {(m) => (
        <MailboxView
          mailbox={m}
          runs={runs.data?.items ?? []}
          reload={async () => {
            await Promise.all([reload(), reloadRuns()]);
          }}
        />
      )}
    </Loading>
  );
}

/** Whose mailbox this is (an administrator sees other users' mailboxes too). */
function Owner(props: { userId: string }) {
  const [user] = useLoad(
    (signal) =>
      get<User>(`/api/v1/users/${encodeURIComponent(props.userId)}`, undefined, signal).then(
        (u) => `${u.displayName} (${u.email})`,
      ),
    [props.userId],
  );
  return <>{user.data ?? t('common.none')}</>;
}

function MailboxView(props: { mailbox: Mailbox; runs: SyncRun[]; reload: () => Promise<void> }) {
  const { mailbox } = props;
  const { query } = useLocation();
  const [message, setMessage] = useState<Message | null>(() =>
    query.mailboxConnected === mailbox.id
      ? { kind: 'success', title: t('mailbox.signedIn'), text: t('mailbox.signedInText') }
      : query.added
        ? { kind: 'success', title: t('mailbox.added'), text: t('mailbox.addedText') }
        : null,
  );
  const health = healthOf(mailbox);
  const kind = signInKind(mailbox);
  const connected = mailbox.status !== 'disconnected';

  const test = async () => {
    setMessage(null);
    const result = await post<ConnectionTest>(`/api/v1/mailboxes/${mailbox.id}/test`);
    setMessage(
      result.ok
        ? { kind: 'success', title: t('mailbox.testPassed'), text: result.message }
        : { kind: 'error', title: problemTitle(result.problem), text: result.message },
    );
    await props.reload();
  };
  const signInAgain = async () => {
    const started = await post<SignInStarted>(`/api/v1/mailboxes/${mailbox.id}/sign-in`, {
      returnTo: `/settings/mailboxes/${mailbox.id}`,
    });
    window.location.assign(started.authorizationUrl);
    // The browser is leaving; keep the button busy until it does.
    await new Promise(() => {});
  };

  return (
    <Page
      title={mailbox.address}
      crumbs={[{ href: '/settings/mailboxes', label: t('nav.mailboxes') }]}
      actions={
        connected && (
          <a class="button" href={`/settings/mailboxes/${mailbox.id}/sync`}>
            {t('dashboard.syncSettings')}
          </a>
        )
      }
    >
      <div class="mailbox-page">
        {message && (
          <Notice kind={message.kind} title={message.title}>
            {message.text}
          </Notice>
        )}
        <section class="card" aria-labelledby="connection-heading">
          <h2 id="connection-heading">{t('mailbox.connection')}</h2>
          <dl class="facts">
            <dt>{t('mailboxes.col.health')}</dt>
            <dd data-testid="mailbox-health">
              <HealthBadge mailbox={mailbox} />
              {health.advice && <div class="small-text">{health.advice}</div>}
            </dd>
            {mailbox.lastError && health.kind !== 'ok' && (
              <>
                <dt>{t('mailbox.lastError')}</dt>
                <dd>{mailbox.lastError.message}</dd>
              </>
            )}
            <dt>{t('mailboxes.col.owner')}</dt>
            <dd>
              <Owner userId={mailbox.userId} />
            </dd>
            <dt>{t('mailboxes.col.service')}</dt>
            <dd>{mailbox.serviceName ?? t('mailboxes.deletedService')}</dd>
            <dt>{t('mailbox.protocol')}</dt>
            <dd>
              {mailbox.protocol === 'graph' ? 'Microsoft Graph' : mailbox.protocol === 'ews' ? 'EWS' : '—'}
            </dd>
            <dt>{t('mailboxAdd.login')}</dt>
            <dd>{mailbox.login ? <Address value={mailbox.login} /> : '—'}</dd>
            <dt>{t('mailbox.signsInWith')}</dt>
            <dd>{t('mailbox.signInKind', { kind, signedIn: mailbox.signedIn ? 'yes' : 'no' })}</dd>
            <dt>{t('mailbox.lastTested')}</dt>
            <dd>
              {mailbox.lastTestedAt
                ? t('mailbox.agoAt', { ago: ago(mailbox.lastTestedAt), at: dateTime(mailbox.lastTestedAt) })
                : t('common.never')}
            </dd>
            <dt>{t('mailbox.connected')}</dt>
            <dd>{dateTime(mailbox.connectedAt)}</dd>
            {mailbox.disconnectedAt && (
              <>
                <dt>{t('mailbox.disconnected')}</dt>
                <dd>{dateTime(mailbox.disconnectedAt)}</dd>
              </>
            )}
          </dl>
          {connected && (
            <div class="form-actions mailbox-actions">
              {mailbox.status !== 'pending' && (
                <ActionButton
                  busyLabel={t('mailbox.testing')}
                  onAction={test}
                  onError={(text) => setMessage({ kind: 'error', title: t('mailbox.testNotRun'), text })}
                >
                  {t('mailbox.test')}
                </ActionButton>
              )}
              {kind === 'oauth' && (
                <ActionButton
                  kind={mailbox.status === 'active' ? 'secondary' : 'primary'}
                  busyLabel={t('mailbox.openingMicrosoft')}
                  onAction={signInAgain}
                >
                  {mailbox.status === 'pending' ? t('mailbox.signInMicrosoft') : t('mailbox.signInAgain')}
                </ActionButton>
              )}
            </div>
          )}
        </section>

        {connected && kind === 'password' && (
          <PasswordUpdate mailbox={mailbox} onUpdated={props.reload} onMessage={setMessage} />
        )}

        <SyncSection mailbox={mailbox} runs={props.runs} reload={props.reload} />

        {connected && <Disconnect mailbox={mailbox} reload={props.reload} onMessage={setMessage} />}
        {!connected && (
          <Notice kind="info" title={t('mailbox.disconnected')}>
            {tx('mailbox.disconnectedText', { add: (text) => <a href="/settings/mailboxes/new">{text}</a> })}
          </Notice>
        )}
      </div>
    </Page>
  );
}

function PasswordUpdate(props: {
  mailbox: Mailbox;
  onUpdated: () => Promise<void>;
  onMessage: (m: Message | null) => void;
}) {
  const [password, setPassword] = useState('');
  const { problem, errors, submit, formRef } = useFormProblem();
  const failedTest = problemOf(problem);
  const update = () =>
    submit(async () => {
      props.onMessage(null);
      await put<Mailbox>(`/api/v1/mailboxes/${props.mailbox.id}/password`, { password });
      setPassword('');
      props.onMessage({
        kind: 'success',
        title: t('mailbox.passwordUpdated'),
        text: t('mailbox.passwordUpdatedText'),
      });
      await props.onUpdated();
    });
  return (
    <section class="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{t('mailbox.updatePassword')}</h2>
      <form
        ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        {problem && (
          <Notice
            kind="error"
            title={failedTest ? problemTitle(failedTest) : t('mailbox.passwordNotChanged')}
          >
            {messageOf(problem)}
            {failedTest && <> {t('mailbox.passwordUnchanged')}</>}
          </Notice>
        )}
        <Field label={t('mailbox.newPassword')} hint={t('mailbox.newPasswordHint')} error={errors.password}>
          {(id, describedBy) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              aria-describedby={describedBy}
              aria-invalid={!!errors.password || failedTest === 'unauthorized'}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <ActionButton
          kind="primary"
          type="submit"
          busyLabel={t('mailbox.testingPassword')}
          disabled={!password}
          onAction={update}
        >
          {t('mailbox.updatePassword')}
        </ActionButton>
      </form>
    </section>
  );
}

/** A run's conflicts and left-out values, which the direction columns do not show. */
function conflictsAndSkipped(r: SyncRun): string {
  const parts = [
    ...(r.conflicts ? [t('run.summary.conflicts', { count: r.conflicts })] : []),
    ...(r.skipped.length ? [t('run.summary.skipped', { count: r.skipped.length })] : []),
  ];
  return parts.length ? formatList(parts) : t('common.none');
}

/** What a run did in one direction, e.g. "3 created, 60 unlinked", or that nothing changed. */
function counts(c: SyncRun['counts']['import']): string {
  const phrases = countPhrases(c);
  return phrases.length > 0 ? formatList(phrases) : t('run.summary.nothing');
}

/** How one entity's part of "Sync now" ended: its run, or why it did not start. */
type EntityResult = { entity: SyncEntity; run: SyncRun } | { entity: SyncEntity; error: string };

type Progress =
  | { state: 'idle' }
  | { state: 'waiting'; since: number; entity: SyncEntity }
  | { state: 'running'; since: number; entity: SyncEntity; run: SyncRun }
  | { state: 'done'; results: EntityResult[] }
  | { state: 'slow'; started: boolean }
  | { state: 'failed'; message: string };

const POLL_MS = 1000;
const GIVE_UP_MS = 5 * 60 * 1000;
/** A queued run that has not started by then is probably off or behind other mailboxes' runs. */
const START_MS = 30 * 1000;

/** The run that says most about the whole: the first that did not simply succeed. */
function worstRun(results: EntityResult[]): SyncRun | null {
  const runs = results.flatMap((r) => ('run' in r ? [r.run] : []));
  return runs.find((r) => r.status !== 'succeeded' || r.errors.length > 0) ?? runs[0] ?? null;
}

/** The values the per-entity messages take. */
function entityValues(result: EntityResult) {
  return { entity: entityName(result.entity), message: 'error' in result ? result.error : '' };
}

/** What "Sync now" did, entity by entity, in plain words. */
function SyncResults(props: { results: EntityResult[] }) {
  const worst = worstRun(props.results);
  const clean = worst !== null && worst.status === 'succeeded' && worst.errors.length === 0;
  const allStarted = props.results.every((r) => 'run' in r);
  return (
    <Notice
      kind={clean && allStarted ? 'success' : 'warning'}
      title={t('mailbox.syncResult', { status: worst ? runStatusLabel(worst) : '' })}
    >
      <ul class="sync-results">
        {props.results.map((r) => (
          <li key={r.entity}>
            {'run' in r ? (
              <>
                {t('mailbox.entityResult', { entity: entityName(r.entity), status: runStatusLabel(r.run) })}{' '}
                {t('mailbox.doneText', {
                  fromExchange: counts(r.run.counts.import),
                  toExchange: counts(r.run.counts.export),
                  conflicts: r.run.conflicts,
                })}
                {r.run.errors.length > 0 && (
                  <> {t('mailbox.firstError', { error: runErrorText(r.run.errors[0]!) })}</>
                )}
              </>
            ) : (
              t('mailbox.entityNotStarted', entityValues(r))
            )}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

function SyncSection(props: { mailbox: Mailbox; runs: SyncRun[]; reload: () => Promise<void> }) {
  const { mailbox } = props;
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const [, tick] = useState(0);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  // Keeps the "for 12 s" of a running sync moving.
  useEffect(() => {
    if (progress.state !== 'waiting' && progress.state !== 'running') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [progress.state]);

  const newestRun = async (entity: SyncEntity) =>
    (await get<{ items: SyncRun[] }>(`/api/v1/mailboxes/${mailbox.id}/runs`, { entity, limit: 1 }))
      .items[0] ?? null;

  /** Queues one entity's run and follows it: its result, or 'slow' when it takes too long. */
  const syncEntity = async (entity: SyncEntity): Promise<EntityResult | 'slow'> => {
    const before = (await newestRun(entity))?.id ?? null;
    const since = Date.now();
    try {
      await post<SyncNowAnswer>(`/api/v1/mailboxes/${mailbox.id}/runs`, { entity });
    } catch (error) {
      return { entity, error: messageOf(error) };
    }
    setProgress({ state: 'waiting', since, entity });
    // The run is queued; its record appears (running, then finished) in the history.
    while (alive.current && Date.now() - since < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const run = await newestRun(entity);
      if (!run || run.id === before) {
        if (Date.now() - since < START_MS) continue;
        setProgress({ state: 'slow', started: false });
        return 'slow';
      }
      if (run.status === 'running') {
        setProgress({ state: 'running', since, entity, run });
        continue;
      }
      return { entity, run };
    }
    if (alive.current) setProgress({ state: 'slow', started: true });
    return 'slow';
  };

  // Every entity switched on in the mailbox's sync settings, one after the other.
  const syncNow = async () => {
    let entities: SyncEntity[];
    try {
      entities = await switchedOnEntities(mailbox.id);
    } catch (error) {
      setProgress({ state: 'failed', message: messageOf(error) });
      return;
    }
    if (entities.length === 0) {
      setProgress({ state: 'failed', message: t('mailbox.allOff') });
      return;
    }
    const results: EntityResult[] = [];
    for (const entity of entities) {
      const result = await syncEntity(entity);
      if (result === 'slow' || !alive.current) return;
      results.push(result);
    }
    if (results.every((r) => 'error' in r)) {
      setProgress({
        state: 'failed',
        message: formatList(results.map((r) => t('mailbox.entityNotStarted', entityValues(r)))),
      });
      return;
    }
    setProgress({ state: 'done', results });
    await props.reload();
  };

  const busy = progress.state === 'waiting' || progress.state === 'running';
  return (
    <section class="card" aria-labelledby="sync-heading">
      <h2 id="sync-heading">{t('mailbox.sync')}</h2>
      <div class="mailbox-actions">
        <ActionButton
          kind="primary"
          busyLabel={t('dashboard.syncing')}
          disabled={mailbox.status === 'disconnected' || mailbox.status === 'pending'}
          onAction={syncNow}
          onError={(message) => setProgress({ state: 'failed', message })}
        >
          {t('dashboard.syncNow')}
        </ActionButton>
        {mailbox.status !== 'disconnected' && (
          <a href={`/settings/mailboxes/${mailbox.id}/sync`}>{t('dashboard.syncSettings')}</a>
        )}
      </div>
      <div class="sync-progress" aria-busy={busy}>
        {progress.state === 'waiting' && (
          <p role="status">
            <span class="spinner" aria-hidden="true" />{' '}
            {t('mailbox.queued', { entity: progress.entity, elapsed: duration(Date.now() - progress.since) })}
          </p>
        )}
        {progress.state === 'running' && (
          <p role="status" data-testid="sync-progress">
            <span class="spinner" aria-hidden="true" />{' '}
            {t('mailbox.running', {
              entity: progress.entity,
              elapsed: duration(Date.now() - progress.since),
              fromExchange: counts(progress.run.counts.import),
              toExchange: counts(progress.run.counts.export),
            })}
          </p>
        )}
        {progress.state === 'done' && <SyncResults results={progress.results} />}
        {progress.state === 'slow' && (
          <Notice kind="info" title={progress.started ? t('mailbox.slow') : t('mailbox.notStarted')}>
            {progress.started ? t('mailbox.slowText') : t('mailbox.notStartedText')}
          </Notice>
        )}
      </div>
      {progress.state === 'failed' && (
        <Notice kind="error" title={t('mailbox.syncNotStarted')}>
          {progress.message}
        </Notice>
      )}
      <h3>{t('run.history.caption')}</h3>
      {props.runs.length === 0 ? (
        <p class="muted">{t('mailbox.noRuns')}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-label={t('run.history.caption')}>
            <thead>
              <tr>
                <th scope="col">{t('mailbox.col.started')}</th>
                <th scope="col">{t('dashboard.entities.entity')}</th>
                <th scope="col">{t('mailbox.col.result')}</th>
                <th scope="col">{t('mailbox.col.fromExchange')}</th>
                <th scope="col">{t('mailbox.col.toExchange')}</th>
                <th scope="col">{t('mailbox.col.conflictsSkipped')}</th>
                <th scope="col" class="num">
                  {t('run.head.duration')}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr key={r.id}>
                  <td data-label={t('mailbox.col.started')} title={dateTime(r.startedAt)}>
                    {ago(r.startedAt)}
                  </td>
                  <td data-label={t('dashboard.entities.entity')}>{entityName(r.entity)}</td>
                  <td data-label={t('mailbox.col.result')}>{runStatusLabel(r)}</td>
                  <td data-label={t('mailbox.col.fromExchange')}>{counts(r.counts.import)}</td>
                  <td data-label={t('mailbox.col.toExchange')}>{counts(r.counts.export)}</td>
                  <td data-label={t('mailbox.col.conflictsSkipped')}>{conflictsAndSkipped(r)}</td>
                  <td data-label={t('run.head.duration')} class="num">
                    {duration(r.durationMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Disconnect(props: {
  mailbox: Mailbox;
  reload: () => Promise<void>;
  onMessage: (m: Message | null) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const disconnect = async () => {
    await post<Mailbox>(`/api/v1/mailboxes/${props.mailbox.id}/disconnect`);
    // The page shows the new state before it says so, so the message never contradicts it.
    await props.reload();
    setConfirming(false);
    props.onMessage({
      kind: 'success',
      title: t('mailbox.disconnectedDone'),
      text: t('mailbox.disconnectedDoneText'),
    });
    focusSoon(() => document.getElementById('page-title'));
  };
  return (
    <section class="card" aria-labelledby="disconnect-heading">
      <h2 id="disconnect-heading">{t('mailbox.disconnect')}</h2>
      {confirming ? (
        <Confirm
          legend={t('mailbox.confirmDisconnect')}
          action={t('mailbox.disconnectAction')}
          busyLabel={t('mailbox.disconnecting')}
          onAction={disconnect}
          onCancel={() => setConfirming(false)}
          returnFocus={opener}
        >
          {tx('mailbox.disconnectQuestion', {
            address: props.mailbox.address,
            b: (text) => <strong>{text}</strong>,
          })}
        </Confirm>
      ) : (
        <>
          <p class="muted">{t('mailbox.disconnectIntro')}</p>
          <button type="button" class="danger" ref={opener} onClick={() => setConfirming(true)}>
            {t('mailbox.disconnectButton')}
          </button>
        </>
      )}
    </section>
  );
}
