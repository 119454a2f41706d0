import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, messageOf, post, setCsrfToken } from '../api.ts';
import { Notice } from '../components/notice.tsx';

export function SignIn(props: { reason?: string; onSignedIn: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Sign in · Exsync';
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
      setError(
        e instanceof ApiProblem && e.code === 'bad_request' && e.details.length > 0
          ? 'Enter your email address and password.'
          : messageOf(e),
      );
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Exsync</h1>
        {props.reason && !error && <Notice kind="info">{props.reason}</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        <div class="field">
          <label for="sign-in-email">Email</label>
          <input
            id="sign-in-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sign-in-password">Password</label>
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
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
