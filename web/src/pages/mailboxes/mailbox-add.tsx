// Settings → Mailboxes → Add mailbox (SPEC A3, A4): the email address finds the mail service;
// then the password (tested before anything is stored) or Microsoft's sign-in and consent,
// after which the server tests the mailbox and brings the browser back to its page.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { type Page as ApiPage, get, messageOf, post } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Field } from '../../components/field.tsx';
import { useFormProblem } from '../../components/form-problem.ts';
import { useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { t, tx } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import type { Detection, User } from '../../types.ts';
import { problemOf, problemTitle } from './connection-problem.ts';
import type { MailboxAdded } from './types.ts';
import './mailboxes.css';

export function MailboxAdd() {
  const [detection, setDetection] = useState<Detection | null>(null);
  const [address, setAddress] = useState('');
  const step = detection ? 2 : 1;
  return (
    <Page title={t('mailboxes.add')} crumbs={[{ href: '/settings/mailboxes', label: t('nav.mailboxes') }]}>
      <ol class="steps" aria-label={t('mailboxAdd.steps')}>
        <li aria-current={step === 1 ? 'step' : undefined}>{t('mailboxAdd.step1')}</li>
        <li aria-current={step === 2 ? 'step' : undefined}>{t('mailboxAdd.step2')}</li>
        <li>{t('mailboxAdd.step3')}</li>
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
  const { problem, errors, submit, formRef } = useFormProblem();
  const detect = () =>
    submit(async () => {
      props.onDetected(await post<Detection>('/api/v1/mailboxes/detect', { address: props.address.trim() }));
    });
  return (
    <form
      class="card"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      {problem && !errors.address && (
        <Notice kind="error" title={t('mailboxAdd.noService')}>
          {messageOf(problem)}
        </Notice>
      )}
      <Field label={t('mailboxAdd.address')} hint={t('mailboxAdd.addressHint')} error={errors.address}>
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
          busyLabel={t('mailboxAdd.looking')}
          disabled={!props.address.trim()}
          onAction={detect}
        >
          {t('mailboxAdd.continue')}
        </ActionButton>
        <a class="button" href="/settings/mailboxes">
          {t('common.cancel')}
        </a>
      </div>
    </form>
  );
}

function SignInStep(props: { detection: Detection; onBack: () => void }) {
  const { detection } = props;
  const step = useRef<HTMLDivElement>(null);
  // The Continue button is gone: the keyboard goes on in the first field of this step, or on
  // the sentence that says what was found.
  useEffect(() => {
    const first = step.current?.querySelector<HTMLElement>('input') ?? step.current?.querySelector('p');
    if (first && !first.matches('input')) first.tabIndex = -1;
    first?.focus();
  }, []);
  return (
    <div class="card" ref={step}>
      <p data-testid="detected-service">
        {tx('mailboxAdd.detected', {
          address: detection.address,
          service: detection.serviceName,
          type: detection.type,
          found: detection.foundBy === 'autodiscover' ? 'autodiscover' : 'other',
          b: (text) => <strong>{text}</strong>,
        })}
      </p>
      {detection.needs === 'password' && <PasswordForm detection={detection} onBack={props.onBack} />}
      {detection.needs === 'oauth' && <MicrosoftSignIn detection={detection} onBack={props.onBack} />}
      {detection.needs === 'administrator' && (
        <>
          <Notice kind="info" title={t('mailboxAdd.adminSyncs')}>
            {t('mailboxAdd.adminSyncsText')}
          </Notice>
          <button type="button" onClick={props.onBack}>
            {t('mailboxAdd.otherAddress')}
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
  const { me } = useSession();
  // Administrators may add the mailbox for another user; everyone else adds their own.
  const [ownerId, setOwnerId] = useState(me.user.id);
  const [users] = useLoad(
    async (signal) => {
      if (!me.isAdmin) return [];
      const page = await get<ApiPage<User>>('/api/v1/users', { limit: 500 }, signal);
      return page.items.filter((u) => u.active && u.id !== me.user.id);
    },
    [me.isAdmin, me.user.id],
  );
  const { problem, errors, submit, formRef } = useFormProblem();
  const failedTest = problemOf(problem);

  const connect = () =>
    submit(async () => {
      // The server tests the connection first and stores the mailbox only if the test passes.
      const added = await post<MailboxAdded>('/api/v1/mailboxes', {
        address: detection.address,
        password,
        ...(manual ? { login: login.trim() } : {}),
        ...(ownerId !== me.user.id ? { ownerId } : {}),
      });
      route(`/settings/mailboxes/${added.mailbox.id}?added=1`);
    });

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      {problem && (
        <Notice kind="error" title={failedTest ? problemTitle(failedTest) : t('mailboxAdd.notAdded')}>
          {messageOf(problem)}
          {failedTest && <> {t('mailboxAdd.nothingStored')}</>}
        </Notice>
      )}
      {manual ? (
        <Field label={t('mailboxAdd.login')} hint={t('mailboxAdd.loginHint')} error={errors.login}>
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
          {tx('mailboxAdd.loginIs', { login: detection.login ?? '', b: (text) => <strong>{text}</strong> })}
        </p>
      )}
      {(users.data?.length ?? 0) > 0 && (
        <Field label={t('mailboxAdd.owner')} hint={t('mailboxAdd.ownerHint')} error={errors.ownerId}>
          {(id, describedBy) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={ownerId}
              onChange={(e) => setOwnerId(e.currentTarget.value)}
            >
              <option value={me.user.id}>{t('mailboxAdd.ownerMe')}</option>
              {users.data?.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName || u.email}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t('signIn.password')} hint={t('mailboxAdd.passwordHint')} error={errors.password}>
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
          busyLabel={t('mailbox.testing')}
          disabled={!password || (manual && !login.trim())}
          onAction={connect}
        >
          {t('mailboxAdd.testAndAdd')}
        </ActionButton>
        <button type="button" onClick={props.onBack}>
          {t('mailboxAdd.otherAddress')}
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
      setProblem(t('mailboxAdd.noSignInStarted'));
      return;
    }
    window.location.assign(added.authorizationUrl);
    // The browser is leaving; keep the button busy until it does.
    await new Promise(() => {});
  };
  return (
    <>
      <p>{t('mailboxAdd.microsoftText')}</p>
      {problem && <Notice kind="error">{problem}</Notice>}
      <div class="form-actions">
        <ActionButton kind="primary" busyLabel={t('mailbox.openingMicrosoft')} onAction={start}>
          {t('mailbox.signInMicrosoft')}
        </ActionButton>
        <button type="button" onClick={props.onBack}>
          {t('mailboxAdd.otherAddress')}
        </button>
      </div>
    </>
  );
}
