// Settings → Mailboxes → Add mailbox (SPEC A3, A4): the email address finds the mail service;
// then the password (tested before anything is stored) or Microsoft's sign-in and consent,
// after which the server tests the mailbox and brings the browser back to its page.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { post } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Field } from '../../components/field.tsx';
import { useFormProblem } from '../../components/form-problem.ts';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import type { Detection } from '../../types.ts';
import { problemOf, problemTitle } from './connection-problem.ts';
import type { MailboxAdded } from './types.ts';
import './mailboxes.css';

const SERVICE_TYPES: Record<Detection['type'], string> = {
  exchange: 'Exchange Server',
  microsoft365: 'Microsoft 365',
};

export function MailboxAdd() {
  const [detection, setDetection] = useState<Detection | null>(null);
  const [address, setAddress] = useState('');
  const step = detection ? 2 : 1;
  return (
    <Page title="Add mailbox" crumbs={[{ href: '/settings/mailboxes', label: 'Mailboxes' }]}>
      <ol class="steps" aria-label="Steps">
        <li aria-current={step === 1 ? 'step' : undefined}>1. Email address</li>
        <li aria-current={step === 2 ? 'step' : undefined}>2. Sign in</li>
        <li>3. Test and enable</li>
      </ol>
      {detection ? (
        <SignInStep
          detection={detection}
          onBack={() => {
            setDetection(null);
          }}
        />
      ) : (
        <AddressStep address={address} onAddress={setAddress} onDetected={setDetection} />
      )}
    </Page>
  );
}

function AddressStep(props: {
  address: string;
  onAddress: (value: string) => void;
  onDetected: (d: Detection) => void;
}) {
  const { problem, errors, submit } = useFormProblem();
  const detect = () =>
    submit(async () => {
      props.onDetected(await post<Detection>('/api/v1/mailboxes/detect', { address: props.address.trim() }));
    });
  return (
    <form
      class="card"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      {problem && !errors.address && (
        <Notice kind="error" title="No mail service found">
          {problem.message}
        </Notice>
      )}
      <Field
        label="Email address"
        hint="The address of the mailbox to connect. Exsync finds its mail service from the domain."
        error={errors.address}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="email"
            autoComplete="email"
            aria-describedby={describedBy}
            aria-invalid={!!errors.address}
            value={props.address}
            onInput={(e) => props.onAddress(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="form-actions">
        <ActionButton
          kind="primary"
          type="submit"
          busyLabel="Looking for the mail service…"
          disabled={!props.address.trim()}
          onAction={detect}
        >
          Continue
        </ActionButton>
        <a class="button" href="/settings/mailboxes">
          Cancel
        </a>
      </div>
    </form>
  );
}

function SignInStep(props: { detection: Detection; onBack: () => void }) {
  const { detection } = props;
  return (
    <div class="card">
      <p data-testid="detected-service">
        <strong>{detection.address}</strong> is served by <strong>{detection.serviceName}</strong> (
        {SERVICE_TYPES[detection.type]}
        {detection.foundBy === 'autodiscover' ? ', found by Autodiscover' : ''}).
      </p>
      {detection.needs === 'password' && <PasswordForm detection={detection} onBack={props.onBack} />}
      {detection.needs === 'oauth' && <MicrosoftSignIn detection={detection} onBack={props.onBack} />}
      {detection.needs === 'administrator' && (
        <>
          <Notice kind="info" title="An administrator syncs this mailbox">
            This mail service works in organisation mode: an administrator chooses whose mailboxes are synced,
            and no password of yours is needed. Ask an administrator to choose you under Organisation.
          </Notice>
          <button type="button" onClick={props.onBack}>
            Use another address
          </button>
        </>
      )}
    </div>
  );
}

function PasswordForm(props: { detection: Detection; onBack: () => void }) {
  const { detection } = props;
  const { route } = useLocation();
  const manual = detection.loginFormat === 'manual';
  const [login, setLogin] = useState(detection.login ?? '');
  const [password, setPassword] = useState('');
  const { problem, errors, submit } = useFormProblem();
  const failedTest = problemOf(problem);

  const connect = () =>
    submit(async () => {
      // The server tests the connection first and stores the mailbox only if the test passes.
      const added = await post<MailboxAdded>('/api/v1/mailboxes', {
        address: detection.address,
        password,
        ...(manual ? { login: login.trim() } : {}),
      });
      route(`/settings/mailboxes/${added.mailbox.id}?added=1`);
    });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      {problem && (
        <Notice kind="error" title={failedTest ? problemTitle(failedTest) : 'The mailbox was not added'}>
          {problem.message}
          {failedTest && <> Nothing was stored; correct it and test again.</>}
        </Notice>
      )}
      {manual ? (
        <Field label="Login" hint="For example CORP\ada or ada.lovelace." error={errors.login}>
          {(id, describedBy) => (
            <input
              id={id}
              autoComplete="username"
              aria-describedby={describedBy}
              aria-invalid={!!errors.login}
              value={login}
              onInput={(e) => setLogin(e.currentTarget.value)}
            />
          )}
        </Field>
      ) : (
        <p>
          Login: <strong>{detection.login}</strong>
        </p>
      )}
      <Field
        label="Password"
        hint="The mailbox password. It is stored encrypted and used only to talk to the mail server."
        error={errors.password}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="password"
            autoComplete="current-password"
            aria-describedby={describedBy}
            aria-invalid={!!errors.password || failedTest === 'unauthorized'}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="form-actions">
        <ActionButton
          kind="primary"
          type="submit"
          busyLabel="Testing the connection…"
          disabled={!password || (manual && !login.trim())}
          onAction={connect}
        >
          Test and add mailbox
        </ActionButton>
        <button type="button" onClick={props.onBack}>
          Use another address
        </button>
      </div>
    </form>
  );
}

function MicrosoftSignIn(props: { detection: Detection; onBack: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const start = async () => {
    setProblem(null);
    const added = await post<MailboxAdded>('/api/v1/mailboxes', {
      address: props.detection.address,
      // The callback comes back here with ?mailboxConnected=<id>; the list forwards to the mailbox.
      returnTo: '/settings/mailboxes',
    });
    if (!added.authorizationUrl) {
      setProblem(
        'The server did not start a Microsoft sign-in for this mailbox. Reload the page and try again.',
      );
      return;
    }
    window.location.assign(added.authorizationUrl);
    // The browser is leaving; keep the button busy until it does.
    await new Promise(() => {});
  };
  return (
    <>
      <p>
        This mailbox signs in with Microsoft: you will sign in on Microsoft's page and allow Exsync to read
        and write your contacts, calendar, tasks and mail. Exsync then tests the connection and enables the
        mailbox.
      </p>
      {problem && <Notice kind="error">{problem}</Notice>}
      <div class="form-actions">
        <ActionButton kind="primary" busyLabel="Opening Microsoft sign-in…" onAction={start}>
          Sign in with Microsoft
        </ActionButton>
        <button type="button" onClick={props.onBack}>
          Use another address
        </button>
      </div>
    </>
  );
}
