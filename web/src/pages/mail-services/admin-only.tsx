// Mail services are for administrators (SPEC A2). Anyone else who opens one of these addresses
// gets a page that says so, instead of a failed request.
import type { ComponentChildren } from 'preact';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { type MessageKey, t, tx } from '../../i18n.ts';
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

const TYPE_LABELS: Record<string, MessageKey> = {
  exchange: 'mailServices.type.exchange',
  microsoft365: 'mailServices.type.microsoft365',
};

const AUTH_LABELS: Record<string, MessageKey> = {
  basic: 'mailServices.auth.basic',
  ntlm: 'mailServices.auth.ntlm',
  oauth: 'mailServices.auth.oauth',
  oauth_delegated: 'mailServices.auth.oauthDelegated',
  app_only: 'mailServices.auth.appOnly',
};

const LOGIN_FORMAT_LABELS: Record<string, MessageKey> = {
  email: 'mailServices.login.email',
  mailbox: 'mailServices.login.mailbox',
  manual: 'mailServices.login.manual',
};

/** A label in the user's language, or the value itself when the UI does not know it. */
const labelOf = (labels: Record<string, MessageKey>) => (value: string) => {
  const key = labels[value];
  return key ? t(key) : value;
};

/** The name of a mail service type. */
export const typeLabel = labelOf(TYPE_LABELS);
/** The name of an authentication method. */
export const authLabel = labelOf(AUTH_LABELS);
/** How a login format makes a user's login. */
export const loginFormatLabel = labelOf(LOGIN_FORMAT_LABELS);
