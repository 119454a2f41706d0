// A mailbox's health as people read it: "needs sign-in", "throttled until 10:42", "failing
// since …", with what to do about it.
import { clock, dateTime } from '../../components/time.ts';
import type { Mailbox } from '../../types.ts';

export interface Health {
  label: string;
  kind: 'ok' | 'warn' | 'error' | 'off';
  /** What to do, when there is something to do. */
  advice?: string;
}

export function healthOf(mailbox: Mailbox, now = Date.now()): Health {
  switch (mailbox.status) {
    case 'pending':
      return {
        label: 'waiting for sign-in',
        kind: 'warn',
        advice: 'Sign in with Microsoft and give consent to enable this mailbox.',
      };
    case 'needs_sign_in':
      return {
        label: 'needs sign-in',
        kind: 'error',
        advice: mailbox.hasPassword
          ? 'The mail server refused the password. Update the password to resume sync.'
          : 'The Microsoft sign-in expired or was revoked. Sign in again to resume sync.',
      };
    case 'failing':
      return {
        label: mailbox.failingSince ? `failing since ${dateTime(mailbox.failingSince)}` : 'failing',
        kind: 'error',
        advice: 'Test the connection to see what is wrong; sync retries on its own.',
      };
    case 'disconnected':
      return {
        label: 'disconnected',
        kind: 'off',
        advice: 'Sync is stopped; data already synced is kept. Add the mailbox again to resume.',
      };
    case 'active':
      if (mailbox.throttledUntil && new Date(mailbox.throttledUntil).getTime() > now) {
        return {
          label: `throttled until ${clock(mailbox.throttledUntil)}`,
          kind: 'warn',
          advice: 'Exchange asked Exsync to slow down; sync resumes by itself.',
        };
      }
      return { label: 'active', kind: 'ok' };
  }
}

export function HealthBadge(props: { mailbox: Mailbox }) {
  const health = healthOf(props.mailbox);
  const cls = health.kind === 'off' ? 'badge' : `badge badge-${health.kind}`;
  return <span class={cls}>{health.label}</span>;
}

/** How the mailbox signs in, as far as its answer tells. */
export function signInKind(mailbox: Mailbox): 'password' | 'oauth' | 'organisation' | 'none' {
  if (mailbox.accessMode === 'organisation') return 'organisation';
  if (mailbox.status === 'disconnected') return 'none';
  if (mailbox.hasPassword) return 'password';
  return 'oauth';
}
