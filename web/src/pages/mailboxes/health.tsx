// A mailbox's health as people read it: "needs sign-in", "throttled until 10:42", "failing
// since …", with what to do about it.
import { clock, dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
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
      return { label: t('health.pending'), kind: 'warn', advice: t('health.pendingAdvice') };
    case 'needs_sign_in':
      return {
        label: t('health.needsSignIn'),
        kind: 'error',
        advice: mailbox.hasPassword ? t('health.passwordRefused') : t('health.signInExpired'),
      };
    case 'failing':
      return {
        label: mailbox.failingSince
          ? t('health.failingSince', { since: dateTime(mailbox.failingSince) })
          : t('health.failing'),
        kind: 'error',
        advice: t('health.failingAdvice'),
      };
    case 'disconnected':
      return {
        label: t('health.disconnected'),
        kind: 'off',
        advice: t('health.disconnectedAdvice'),
      };
    case 'active':
      if (mailbox.throttledUntil && new Date(mailbox.throttledUntil).getTime() > now) {
        return {
          label: t('health.throttled', { until: clock(mailbox.throttledUntil) }),
          kind: 'warn',
          advice: t('health.throttledAdvice'),
        };
      }
      return { label: t('health.active'), kind: 'ok' };
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
