// Connecting a mail service for the organisation: Exchange Server takes a service account
// holding ApplicationImpersonation; Microsoft 365 uses the app's client credentials already in
// the service. Exsync tests the identity on one mailbox first; the choice is then final.
import { useState } from 'preact/hooks';
import { ApiProblem, messageOf, post } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { Field, fieldErrors } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { t } from '../../i18n.ts';
import type { MailService } from '../../types.ts';

export function ConnectOrganisation(props: { service: MailService; onConnected: () => void }) {
  const { service } = props;
  const exchange = service.type === 'exchange';
  const [login, setLogin] = useState(service.serviceLogin ?? '');
  const [password, setPassword] = useState('');
  const [testAddress, setTestAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // "This choice is final": the button only asks; connecting needs a second, explicit yes.
  const [confirming, setConfirming] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problems: Record<string, string> = {};
    if (exchange && !login.trim()) problems.login = t('org.connect.loginMissing');
    if (exchange && !password) problems.password = t('org.connect.passwordMissing');
    if (!exchange && !testAddress.trim()) problems.testAddress = t('org.connect.testMissing');
    setErrors(problems);
    setError(null);
    if (Object.keys(problems).length > 0) return;
    setConfirming(true);
  };

  const connect = async () => {
    setBusy(true);
    try {
      await post<MailService>(`/api/v1/mail-services/${encodeURIComponent(service.id)}/organisation`, {
        ...(exchange ? { login: login.trim(), password } : {}),
        ...(testAddress.trim() ? { testAddress: testAddress.trim() } : {}),
      });
      props.onConnected();
    } catch (e) {
      if (e instanceof ApiProblem) setErrors(fieldErrors(e.details));
      setError(messageOf(e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <form class="org-connect" onSubmit={submit} noValidate>
      <h3>{t('org.connect.title')}</h3>
      <p>{exchange ? t('org.connect.exchangeText') : t('org.connect.m365Text')}</p>
      {exchange && (
        <>
          <Field label={t('org.connect.login')} error={errors.login}>
            {(id, describedBy) => (
              <input
                id={id}
                aria-describedby={describedBy}
                autocomplete="off"
                value={login}
                onInput={(e) => setLogin(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label={t('org.connect.password')} error={errors.password}>
            {(id, describedBy) => (
              <input
                id={id}
                type="password"
                aria-describedby={describedBy}
                autocomplete="new-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            )}
          </Field>
        </>
      )}
      <Field
        label={t('org.connect.testOn')}
        hint={exchange ? t('org.connect.testOnExchange') : t('org.connect.testOnM365')}
        error={errors.testAddress}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="email"
            aria-describedby={describedBy}
            value={testAddress}
            onInput={(e) => setTestAddress(e.currentTarget.value)}
          />
        )}
      </Field>
      <Notice kind="warning" title={t('org.connect.final')}>
        {t('org.connect.finalText', { name: service.name })}
      </Notice>
      {error && (
        <Notice kind="error" title={t('org.connect.notConnected')}>
          {error}
        </Notice>
      )}
      {confirming ? (
        <Confirm
          class="card org-confirm"
          kind="primary"
          legend={t('org.confirm.legend', { name: service.name })}
          action={t('org.confirm.action')}
          busyLabel={t('org.confirm.busy')}
          onCancel={() => setConfirming(false)}
          onAction={connect}
        >
          {t('org.confirm.question', { name: service.name })}
        </Confirm>
      ) : (
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {t('org.confirm.open')}
          </button>
        </div>
      )}
    </form>
  );
}
