import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, messageOf, post, setCsrfToken } from '../api.ts';
import { Notice } from '../components/notice.tsx';
import { t } from '../i18n.ts';

export function SignIn(props: { reason?: string; onSignedIn: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = t('signIn.documentTitle');
    // The only thing to do here is to type: start in the first field.
    emailField.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await post<{ csrfToken: string }>('/api/v1/auth/login', { email, password });
      setCsrfToken(session.csrfToken);
      await props.onSignedIn();
    } catch (e) {
      if (e instanceof ApiProblem && (e.code === 'bad_request' || e.code === 'validation_failed'))
        setError(t('signIn.missing'));
      else if (e instanceof ApiProblem && e.code === 'unauthenticated') setError(t('signIn.wrong'));
      else setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        {props.reason && !error && <Notice kind="info">{props.reason}</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        <div class="field">
          <label for="sign-in-email">{t('signIn.email')}</label>
          <input
            ref={emailField}
            id="sign-in-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sign-in-password">{t('signIn.password')}</label>
          <input
            id="sign-in-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy && <span class="spinner" aria-hidden="true" />}
          {busy ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
