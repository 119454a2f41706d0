// The application shell: restores the session (GET /api/v1/me), shows the sign-in page when
// there is none, and otherwise the layout with the routed screen.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso';
import { ApiProblem, get, post, setCsrfToken, whenSignedOut } from './api.ts';
import { Layout } from './components/layout.tsx';
import { Notice } from './components/notice.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { routes } from './routes.tsx';
import { SessionContext, type SessionState } from './session.tsx';
import type { Me } from './types.ts';

type Boot = { state: 'loading' } | { state: 'signed-out'; reason?: string } | { state: 'signed-in'; me: Me };

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [bootError, setBootError] = useState<string | null>(null);

  const loadMe = useCallback(async () => {
    try {
      const me = await get<Me>('/api/v1/me');
      setCsrfToken(me.csrfToken);
      setBoot({ state: 'signed-in', me });
      setBootError(null);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) setBoot({ state: 'signed-out' });
      else setBootError(error instanceof Error ? error.message : String(error));
    }
  }, []);

  useEffect(() => {
    whenSignedOut(() =>
      setBoot({ state: 'signed-out', reason: 'Your session has ended. Sign in again to go on.' }),
    );
    void loadMe();
  }, [loadMe]);

  if (bootError) {
    return (
      <main class="boot">
        <Notice kind="error" title="Exsync cannot be reached">
          {bootError}
        </Notice>
        <button type="button" onClick={() => void loadMe()}>
          Try again
        </button>
      </main>
    );
  }
  if (boot.state === 'loading') {
    return (
      <main class="boot" aria-busy="true">
        <p class="muted">Loading Exsync…</p>
      </main>
    );
  }
  if (boot.state === 'signed-out') {
    return <SignIn reason={boot.reason} onSignedIn={loadMe} />;
  }
  const session: SessionState = {
    me: boot.me,
    refresh: loadMe,
    signOut: async () => {
      try {
        await post('/api/v1/auth/logout');
      } finally {
        setCsrfToken(null);
        setBoot({ state: 'signed-out' });
      }
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
