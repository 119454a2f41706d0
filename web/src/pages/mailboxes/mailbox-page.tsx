// One mailbox: its facts and health, test connection, update the password or sign in again,
// "Sync now" with its progress, the latest runs, and disconnect (SPEC A3, A4, A6, E7).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiProblem, get, post, put } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Confirm } from '../../components/confirm.tsx';
import { Field } from '../../components/field.tsx';
import { useFormProblem } from '../../components/form-problem.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { ago, dateTime, duration } from '../../components/time.ts';
import type { ConnectionTest, Mailbox, SyncRun } from '../../types.ts';
import { problemOf, problemTitle } from './connection-problem.ts';
import { HealthBadge, healthOf, signInKind } from './health.tsx';
import { runStatusLabel } from './mailbox-list.tsx';
import type { SignInStarted, SyncNowAnswer } from './types.ts';
import './mailboxes.css';

type Message = { kind: 'success' | 'error' | 'info'; title?: string; text: string };

const ACCESS_MODES: Record<Mailbox['accessMode'], string> = {
  individual: 'Own credentials',
  organisation: 'Organisation (synced by the service identity)',
};

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
    <Loading value={mailbox} what="the mailbox" retry={() => void reload()}>
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

function MailboxView(props: { mailbox: Mailbox; runs: SyncRun[]; reload: () => Promise<void> }) {
  const { mailbox } = props;
  const { query } = useLocation();
  const [message, setMessage] = useState<Message | null>(() =>
    query.mailboxConnected === mailbox.id
      ? {
          kind: 'success',
          title: 'Signed in with Microsoft',
          text: 'The connection test passed and the mailbox is active.',
        }
      : query.added
        ? {
            kind: 'success',
            title: 'Mailbox added',
            text: 'The connection test passed and the mailbox is active. Choose what to sync under Sync settings.',
          }
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
        ? { kind: 'success', title: 'Connection test passed', text: result.message }
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
      crumbs={[{ href: '/settings/mailboxes', label: 'Mailboxes' }]}
      actions={
        connected && (
          <a class="button" href={`/settings/mailboxes/${mailbox.id}/sync`}>
            Sync settings
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
          <h2 id="connection-heading">Connection</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd data-testid="mailbox-health">
              <HealthBadge mailbox={mailbox} />
              {health.advice && <div class="small-text">{health.advice}</div>}
            </dd>
            {mailbox.lastError && health.kind !== 'ok' && (
              <>
                <dt>Last error</dt>
                <dd>{mailbox.lastError.message}</dd>
              </>
            )}
            <dt>Mail service</dt>
            <dd>{mailbox.serviceName ?? 'deleted'}</dd>
            <dt>Protocol</dt>
            <dd>
              {mailbox.protocol === 'graph' ? 'Microsoft Graph' : mailbox.protocol === 'ews' ? 'EWS' : '—'}
            </dd>
            <dt>Login</dt>
            <dd>{mailbox.login ?? '—'}</dd>
            <dt>Signs in with</dt>
            <dd>
              {kind === 'password'
                ? 'Password (stored encrypted)'
                : kind === 'oauth'
                  ? mailbox.signedIn
                    ? 'Microsoft sign-in'
                    : 'Microsoft sign-in (not signed in yet)'
                  : kind === 'organisation'
                    ? ACCESS_MODES.organisation
                    : '—'}
            </dd>
            <dt>Last tested</dt>
            <dd>
              {mailbox.lastTestedAt
                ? `${ago(mailbox.lastTestedAt)} (${dateTime(mailbox.lastTestedAt)})`
                : 'never'}
            </dd>
            <dt>Connected</dt>
            <dd>{dateTime(mailbox.connectedAt)}</dd>
            {mailbox.disconnectedAt && (
              <>
                <dt>Disconnected</dt>
                <dd>{dateTime(mailbox.disconnectedAt)}</dd>
              </>
            )}
          </dl>
          {connected && (
            <div class="form-actions mailbox-actions">
              {mailbox.status !== 'pending' && (
                <ActionButton
                  busyLabel="Testing the connection…"
                  onAction={test}
                  onError={(text) => setMessage({ kind: 'error', title: 'The test could not run', text })}
                >
                  Test connection
                </ActionButton>
              )}
              {kind === 'oauth' && (
                <ActionButton
                  kind={mailbox.status === 'active' ? 'secondary' : 'primary'}
                  busyLabel="Opening Microsoft sign-in…"
                  onAction={signInAgain}
                >
                  {mailbox.status === 'pending' ? 'Sign in with Microsoft' : 'Sign in again'}
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
          <Notice kind="info" title="Disconnected">
            This mailbox no longer syncs; everything synced before stays in Exsync and in Exchange. To sync it
            again, <a href="/settings/mailboxes/new">add the mailbox</a> again.
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
  const { problem, errors, submit } = useFormProblem();
  const failedTest = problemOf(problem);
  const update = () =>
    submit(async () => {
      props.onMessage(null);
      await put<Mailbox>(`/api/v1/mailboxes/${props.mailbox.id}/password`, { password });
      setPassword('');
      props.onMessage({
        kind: 'success',
        title: 'Password updated',
        text: 'The new password passed the connection test and is stored.',
      });
      await props.onUpdated();
    });
  return (
    <section class="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Update password</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        {problem && (
          <Notice kind="error" title={failedTest ? problemTitle(failedTest) : 'The password was not changed'}>
            {problem.message}
            {failedTest && <> The stored password is unchanged.</>}
          </Notice>
        )}
        <Field
          label="New password"
          hint="Tested against the mail server before it replaces the stored one."
          error={errors.password}
        >
          {(id, describedBy) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              aria-describedby={describedBy}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <ActionButton
          kind="primary"
          type="submit"
          busyLabel="Testing the new password…"
          disabled={!password}
          onAction={update}
        >
          Update password
        </ActionButton>
      </form>
    </section>
  );
}

function counts(c: SyncRun['counts']['import']): string {
  return `${c.created} created, ${c.updated} updated, ${c.deleted} deleted`;
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
      setProgress({ state: 'failed', message: error instanceof ApiProblem ? error.message : String(error) });
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
      <h2 id="sync-heading">Sync</h2>
      <div class="mailbox-actions">
        <ActionButton
          kind="primary"
          busyLabel="Syncing…"
          disabled={mailbox.status === 'disconnected' || mailbox.status === 'pending'}
          onAction={syncNow}
          onError={(message) => setProgress({ state: 'failed', message })}
        >
          Sync now
        </ActionButton>
        {mailbox.status !== 'disconnected' && (
          <a href={`/settings/mailboxes/${mailbox.id}/sync`}>Sync settings</a>
        )}
      </div>
      <div class="sync-progress" aria-busy={busy}>
        {progress.state === 'waiting' && (
          <p role="status">
            <span class="spinner" aria-hidden="true" /> Sync of contacts queued, waiting for it to start (
            {duration(Date.now() - progress.since)})…
          </p>
        )}
        {progress.state === 'running' && (
          <p role="status">
            <span class="spinner" aria-hidden="true" /> Syncing contacts… (
            {duration(Date.now() - progress.since)})
          </p>
        )}
        {progress.state === 'done' && (
          <Notice
            kind={
              progress.run.status === 'succeeded' && progress.run.errors.length === 0 ? 'success' : 'warning'
            }
            title={`Sync ${runStatusLabel(progress.run)}`}
          >
            From Exchange: {counts(progress.run.counts.import)}. To Exchange:{' '}
            {counts(progress.run.counts.export)}.
            {progress.run.conflicts > 0 && ` ${progress.run.conflicts} conflict(s) resolved.`}
            {progress.run.errors.length > 0 && ` First error: ${progress.run.errors[0]!.message}`}
          </Notice>
        )}
        {progress.state === 'slow' && (
          <Notice
            kind="info"
            title={progress.started ? 'The sync is taking longer' : 'The sync has not started yet'}
          >
            {progress.started
              ? 'It goes on in the background; its result appears under “Latest runs” when it is done. Reload the page to see it.'
              : 'It waits behind other syncs, or sync of contacts is off in this mailbox’s sync settings. Check the sync settings, and reload the page later to see the run.'}
          </Notice>
        )}
      </div>
      {progress.state === 'failed' && (
        <Notice kind="error" title="The sync did not start">
          {progress.message}
        </Notice>
      )}
      <h3>Latest runs</h3>
      {props.runs.length === 0 ? (
        <p class="muted">No sync has run yet.</p>
      ) : (
        <div class="table-wrap">
          <table aria-label="Latest runs">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Result</th>
                <th scope="col">From Exchange</th>
                <th scope="col">To Exchange</th>
                <th scope="col" class="num">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr key={r.id}>
                  <td title={dateTime(r.startedAt)}>{ago(r.startedAt)}</td>
                  <td>{runStatusLabel(r)}</td>
                  <td>{counts(r.counts.import)}</td>
                  <td>{counts(r.counts.export)}</td>
                  <td class="num">{duration(r.durationMs)}</td>
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
  const disconnect = async () => {
    await post<Mailbox>(`/api/v1/mailboxes/${props.mailbox.id}/disconnect`);
    // The page shows the new state before it says so, so the message never contradicts it.
    await props.reload();
    setConfirming(false);
    props.onMessage({
      kind: 'success',
      title: 'Mailbox disconnected',
      text: 'Sync has stopped and the stored password or sign-in is erased. Contacts and items already synced stay in Exsync and in Exchange.',
    });
  };
  return (
    <section class="card" aria-labelledby="disconnect-heading">
      <h2 id="disconnect-heading">Disconnect</h2>
      {confirming ? (
        <Confirm
          legend="Confirm disconnect"
          action="Disconnect mailbox"
          busyLabel="Disconnecting…"
          onAction={disconnect}
          onCancel={() => setConfirming(false)}
        >
          Disconnect {props.mailbox.address}? Sync stops and the stored password or sign-in is erased.{' '}
          <strong>Everything already synced is kept</strong>, in Exsync and in Exchange.
        </Confirm>
      ) : (
        <>
          <p class="muted">Stops the sync of this mailbox. Data already synced stays on both sides.</p>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Disconnect…
          </button>
        </>
      )}
    </section>
  );
}
