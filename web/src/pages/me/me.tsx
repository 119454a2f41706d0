// A user's own page (from their name in the header): change the password (with the current one;
// other sessions and tokens end, as the page says) and personal API tokens: create one, shown
// once with a copy button, and revoke.
import { useState } from 'preact/hooks';
import { ApiProblem, del, get, post } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Confirm } from '../../components/confirm.tsx';
import { Field, fieldErrors } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { ago, dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import '../contacts/contacts.css';

interface Token {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export function MyAccount() {
  const { me } = useSession();
  return (
    <Page title={t('me.title')}>
      <p class="muted">
        {t('me.signedInAs', { name: me.user.displayName || me.user.email, email: me.user.email })}
      </p>
      <div class="crm-record-grid">
        <ChangePassword />
        <Tokens />
      </div>
    </Page>
  );
}

function ChangePassword() {
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', repeat: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const field = (name: keyof typeof form, label: string, autocomplete: string, hint?: string) => (
    <Field label={label} hint={hint} error={errors[name]}>
      {(id, d) => (
        <input
          id={id}
          type="password"
          autocomplete={autocomplete}
          aria-describedby={d}
          value={form[name]}
          onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
        />
      )}
    </Field>
  );
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('me.password.title')}</h2>
      <p class="muted">{t('me.password.explain')}</p>
      {done && <Notice kind="success">{done}</Notice>}
      <form onSubmit={(e) => e.preventDefault()}>
        {field('currentPassword', t('me.password.current'), 'current-password')}
        {field('newPassword', t('me.password.new'), 'new-password', t('users.field.passwordHint'))}
        {field('repeat', t('me.password.repeat'), 'new-password')}
        <div class="form-actions">
          <ActionButton
            kind="primary"
            type="submit"
            busyLabel={t('common.saving')}
            onAction={async () => {
              setDone(null);
              if (form.newPassword !== form.repeat) {
                setErrors({ repeat: t('me.password.mismatch') });
                return;
              }
              setErrors({});
              try {
                const ended = await post<{ sessionsEnded: number; tokensRevoked: number }>(
                  '/api/v1/me/password',
                  { currentPassword: form.currentPassword, newPassword: form.newPassword },
                );
                setForm({ currentPassword: '', newPassword: '', repeat: '' });
                setDone(t('me.password.done', ended));
              } catch (error) {
                if (error instanceof ApiProblem && error.details.length > 0) {
                  setErrors(fieldErrors(error.details));
                  return;
                }
                throw error;
              }
            }}
          >
            {t('me.password.action')}
          </ActionButton>
        </div>
      </form>
    </section>
  );
}

function Tokens() {
  const [tokens, reload] = useLoad(
    (signal) => get<{ items: Token[] }>('/api/v1/tokens', undefined, signal).then((r) => r.items),
    [],
  );
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('me.tokens.title')}</h2>
      <p class="muted">{t('me.tokens.explain')}</p>
      {created && (
        <div class="notice notice-success" role="status">
          <strong class="notice-title">{t('me.tokens.createdTitle', { name: created.name })}</strong>
          <p>{t('me.tokens.createdOnce')}</p>
          <code class="copyable" data-testid="new-token">
            {created.token}
          </code>{' '}
          <button
            type="button"
            class="secondary small"
            onClick={() => {
              void navigator.clipboard?.writeText(created.token).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {copied ? t('me.tokens.copied') : t('me.tokens.copy')}
          </button>{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setCreated(null);
              setCopied(false);
            }}
          >
            {t('me.tokens.hide')}
          </button>
        </div>
      )}
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('me.tokens.name')} hint={t('me.tokens.nameHint')} error={nameError}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          )}
        </Field>
        <ActionButton
          kind="primary"
          type="submit"
          busyLabel={t('common.creating')}
          onError={setNameError}
          onAction={async () => {
            setNameError(null);
            const answer = await post<Token & { token: string }>('/api/v1/tokens', { name: name.trim() });
            setCreated({ name: answer.name, token: answer.token });
            setCopied(false);
            setName('');
            void reload();
          }}
        >
          {t('me.tokens.create')}
        </ActionButton>
      </form>
      {revoking && (
        <Confirm
          class="card crm-delete"
          legend={t('me.tokens.revokeLegend', { name: revoking.name })}
          action={t('me.tokens.revoke')}
          busyLabel={t('me.tokens.revoking')}
          onCancel={() => setRevoking(null)}
          onAction={async () => {
            await del(`/api/v1/tokens/${encodeURIComponent(revoking.id)}`);
            setRevoking(null);
            void reload();
          }}
        >
          {t('me.tokens.revokeQuestion', { name: revoking.name })}
        </Confirm>
      )}
      <Loading value={tokens} what={t('me.tokens.title')} retry={() => void reload()}>
        {(items) =>
          items.length === 0 ? (
            <p class="muted">{t('me.tokens.none')}</p>
          ) : (
            <ul class="crm-plain-list" aria-label={t('me.tokens.title')}>
              {items.map((token) => (
                <li key={token.id}>
                  <strong>{token.name}</strong>{' '}
                  <span class="muted crm-small">
                    {t('me.tokens.facts', {
                      created: dateTime(token.createdAt),
                      used: token.lastUsedAt ? ago(token.lastUsedAt) : t('common.never'),
                    })}
                  </span>{' '}
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={t('me.tokens.revokeOne', { name: token.name })}
                    onClick={() => setRevoking(token)}
                  >
                    {t('me.tokens.revoke')}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}
