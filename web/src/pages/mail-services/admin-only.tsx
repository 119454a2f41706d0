// Mail services are for administrators (SPEC A2). Anyone else who opens one of these addresses
// gets a page that says so, instead of a failed request.
import type { ComponentChildren } from 'preact';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { t, tx } from '../../i18n.ts';
import { useSession } from '../../session.tsx';

export function AdminOnly(props: { title: string; children: ComponentChildren }) {
  const { me } = useSession();
  if (me.isAdmin) return <>{props.children}</>;
  return (
    <Page title={props.title}>
      <Notice kind="warning" title={t('services.adminOnly')}>
        {tx('services.adminOnlyText', { mailboxes: (text) => <a href="/settings/mailboxes">{text}</a> })}
      </Notice>
    </Page>
  );
}

export const TYPE_LABELS: Record<string, string> = {
  exchange: 'Exchange Server (EWS)',
  microsoft365: 'Microsoft 365',
};

export const AUTH_LABELS: Record<string, string> = {
  basic: 'Basic',
  ntlm: 'NTLM',
  oauth: 'OAuth 2.0',
  oauth_delegated: 'OAuth 2.0 (each user signs in)',
  app_only: 'App-only (organisation mode)',
};

export const LOGIN_FORMAT_LABELS: Record<string, string> = {
  email: 'Use the email address',
  mailbox: 'Use the mailbox name (before @)',
  manual: 'Users type their login',
};
