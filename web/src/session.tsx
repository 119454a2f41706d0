// Who is signed in. The session lives in an HttpOnly cookie; the page keeps the user, their
// rights and the CSRF token that every change must carry.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Locale } from './i18n.ts';
import type { Me } from './types.ts';

export interface SessionState {
  me: Me;
  /** Reload the signed-in user (after a change of their own data). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  /** Stores the user's language on their account and shows the UI in it. */
  changeLocale(next: Locale): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function can(me: Me, operation: string): boolean {
  return me.isAdmin || (me.operations as string[]).includes(operation);
}
