// The application shell: restores the session (GET /api/v1/me), shows the sign-in page when
// there is none, and otherwise the layout with the routed screen, in the user's language.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso';
import { ApiProblem, get, messageOf, patch, post, setCsrfToken, whenSignedOut } from './api.ts';
import { Layout } from './components/layout.tsx';
import { Notice } from './components/notice.tsx';
import { browserLocale, type Locale, language, setLocale, t } from './i18n.ts';
import { SignIn } from './pages/sign-in.tsx';
import { routes } from './routes.tsx';
import { SessionContext, type SessionState } from './session.tsx';
import type { Me } from './types.ts';

type Boot =
  | { state: 'loading' }
  | { state: 'signed-out'; reason?: 'session-ended' }
  | { state: 'signed-in'; me: Me };

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [bootError, setBootError] = useState<string | null>(null);

  const loadMe = useCallback(async () => {
    try {
      const me = await get<Me>('/api/v1/me');
      setCsrfToken(me.csrfToken);
      const wanted = me.user.locale ?? browserLocale();
      if (wanted !== language()) await setLocale(wanted);
      setBoot({ state: 'signed-in', me });
      setBootError(null);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) setBoot({ state: 'signed-out' });
      else setBootError(messageOf(error));
    }
  }, []);

  useEffect(() => {
    whenSignedOut(() => setBoot({ state: 'signed-out', reason: 'session-ended' }));
    void loadMe();
  }, [loadMe]);

  if (bootError) {
    return (
      <main class="boot">
        <Notice kind="error" title={t('app.unreachable')}>
          {bootError}
        </Notice>
        <button type="button" onClick={() => void loadMe()}>
          {t('common.tryAgain')}
        </button>
      </main>
    );
  }
  if (boot.state === 'loading') {
    return (
      <main class="boot" aria-busy="true">
        <p class="muted">{t('app.loading')}</p>
      </main>
    );
  }
  if (boot.state === 'signed-out') {
    return (
      <SignIn
        reason={boot.reason === 'session-ended' ? t('app.sessionEnded') : undefined}
        onSignedIn={loadMe}
      />
    );
  }
  const session: SessionState = {
    me: boot.me,
    refresh: loadMe,
    signOut: async () => {
      try {
        await post('/api/v1/auth/logout');
      } finally {
        setCsrfToken(null);
        // The next person to sign in starts on the dashboard, not on this user's last screen.
        history.replaceState(null, '', '/');
        setBoot({ state: 'signed-out' });
      }
    },
    changeLocale: async (next: Locale) => {
      await patch(`/api/v1/users/${encodeURIComponent(boot.me.user.id)}`, { locale: next });
      await loadMe();
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <LocationProvider>
        <Layout>
          <Router>
            {routes.map((r) => (
              <Route key={r.path} path={r.path} component={r.component} />
            ))}
          </Router>
        </Layout>
      </LocationProvider>
    </SessionContext.Provider>
  );
}
