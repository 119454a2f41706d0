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
import type { SignInStarted, SyncNowAnswer } from './types.ts';
import './mailboxes.css';

type Message = { kind: 'success' | 'error' | 'info'; title?: string; text: string };

export function MailboxPage(props: { id: string }) {
  const id = props.id;
  const [mailbox, reload] = useLoad(
    (signal) => get<Mailbox>(`/api/v1/mailboxes/${encodeURIComponent(id)}`, undefined, signal),
    [id],
  );
  const [runs, reloadRuns] = useLoad(
    (signal) =>
      get<{ items: SyncRun[] }>(`/api/v1/mailboxes/${encodeURIComponent(id)}/runs`, { limit: 5 }, signal),
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

type Progress =
  | { state: 'idle' }
  | { state: 'waiting'; since: number }
  | { state: 'running'; since: number; run: SyncRun }
  | { state: 'done'; run: SyncRun }
  | { state: 'slow'; started: boolean }
  | { state: 'failed'; message: string };

const POLL_MS = 1000;
const GIVE_UP_MS = 5 * 60 * 1000;
/** A queued run that has not started by then is probably off or behind other mailboxes' runs. */
const START_MS = 30 * 1000;

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

  const newestRun = async () =>
    (await get<{ items: SyncRun[] }>(`/api/v1/mailboxes/${mailbox.id}/runs`, { limit: 1 })).items[0] ?? null;

  const syncNow = async () => {
    const before = (await newestRun())?.id ?? null;
    const since = Date.now();
    try {
      await post<SyncNowAnswer>(`/api/v1/mailboxes/${mailbox.id}/runs`, { entity: 'contacts' });
    } catch (error) {
      setProgress({ state: 'failed', message: messageOf(error) });
      return;
    }
    setProgress({ state: 'waiting', since });
    // The run is queued; its record appears (running, then finished) in the history.
    while (alive.current && Date.now() - since < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const run = await newestRun();
      if (!run || run.id === before) {
        if (Date.now() - since < START_MS) continue;
        setProgress({ state: 'slow', started: false });
        return;
      }
      if (run.status === 'running') {
        setProgress({ state: 'running', since, run });
        continue;
      }
      setProgress({ state: 'done', run });
      await props.reload();
      return;
    }
    if (alive.current) setProgress({ state: 'slow', started: true });
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
            {t('mailbox.queued', { elapsed: duration(Date.now() - progress.since) })}
          </p>
        )}
        {progress.state === 'running' && (
          <p role="status" data-testid="sync-progress">
            <span class="spinner" aria-hidden="true" />{' '}
            {t('mailbox.running', {
              elapsed: duration(Date.now() - progress.since),
              fromExchange: counts(progress.run.counts.import),
              toExchange: counts(progress.run.counts.export),
            })}
          </p>
        )}
        {progress.state === 'done' && (
          <Notice
            kind={
              progress.run.status === 'succeeded' && progress.run.errors.length === 0 ? 'success' : 'warning'
            }
            title={t('mailbox.syncResult', { status: runStatusLabel(progress.run) })}
          >
            {t('mailbox.doneText', {
              fromExchange: counts(progress.run.counts.import),
              toExchange: counts(progress.run.counts.export),
              conflicts: progress.run.conflicts,
            })}
            {progress.run.errors.length > 0 && (
              <> {t('mailbox.firstError', { error: runErrorText(progress.run.errors[0]!) })}</>
            )}
          </Notice>
        )}
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
