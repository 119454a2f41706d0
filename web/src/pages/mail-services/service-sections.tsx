// The sections of the mail service form: the service itself (type, address), the additional
// settings (emails, login format, name, authentication, domains) with the OAuth app
// registration when the method needs one, and the advanced options for servers with their own
// certificate authority, on a private network or behind another sign-in authority.
import { useState } from 'preact/hooks';
import { get } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { useLoad } from '../../components/load.tsx';
import { t } from '../../i18n.ts';
import { AUTH_LABELS, LOGIN_FORMAT_LABELS, TYPE_LABELS } from './admin-only.tsx';
import { AUTH_METHODS, type AuthMethod, type LoginFormat, OAUTH, type ServiceType } from './service-draft.ts';
import type { SectionProps } from './use-service-form.ts';

export function ServiceSettings({ draft, set, errors, service }: SectionProps) {
  return (
    <fieldset>
      <legend>Service settings</legend>
      <Field
        label="Type of mail service"
        hint={service ? 'The type cannot change; add another service instead.' : undefined}
        error={errors.type}
      >
        {(id, describedBy) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={draft.type}
            disabled={!!service}
            onChange={(e) => set('type', e.currentTarget.value as ServiceType)}
          >
            <option value="exchange">{TYPE_LABELS.exchange}</option>
            <option value="microsoft365">{TYPE_LABELS.microsoft365}</option>
          </select>
        )}
      </Field>
      <Field
        label="Service address"
        hint={
          draft.type === 'exchange'
            ? 'The Exchange host, e.g. mail.example.com, or the full EWS URL (https://…/EWS/Exchange.asmx).'
            : 'The Microsoft Graph base URL; leave empty for https://graph.microsoft.com/v1.0.'
        }
        error={errors.serviceAddress}
      >
        {(id, describedBy) => (
          <input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={!!errors.serviceAddress}
            required={draft.type === 'exchange'}
            value={draft.serviceAddress}
            onInput={(e) => set('serviceAddress', e.currentTarget.value)}
          />
        )}
      </Field>
    </fieldset>
  );
}

export function AdditionalSettings(props: SectionProps) {
  const { draft, set, errors, service } = props;
  const domainError = Object.entries(errors)
    .filter(([k]) => k === 'domains' || k.startsWith('domains.'))
    .map(([, m]) => m)
    .join('; ');
  return (
    <fieldset>
      <legend>Additional settings</legend>
      <EmailChecks {...props} />
      {/* Microsoft 365 signs users in with their address; a login format means nothing there. */}
      {draft.type !== 'microsoft365' && (
        <Field
          label="Login format"
          hint="How a user's login is made from their email address."
          error={errors.loginFormat}
        >
          {(id, describedBy) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={draft.loginFormat}
              onChange={(e) => set('loginFormat', e.currentTarget.value as LoginFormat)}
            >
              {(['email', 'mailbox', 'manual'] as const).map((f) => (
                <option key={f} value={f}>
                  {LOGIN_FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Service name" hint="Shown to users; the service address when empty." error={errors.name}>
        {(id, describedBy) => (
          <input
            id={id}
            aria-describedby={describedBy}
            value={draft.name}
            onInput={(e) => set('name', e.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label="Authentication method"
        hint={
          service?.accessMode
            ? 'Mailboxes already use this service: the method is locked to keep their access mode.'
            : undefined
        }
        error={errors.authMethod}
      >
        {(id, describedBy) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={draft.authMethod}
            onChange={(e) => set('authMethod', e.currentTarget.value as AuthMethod)}
          >
            {AUTH_METHODS[draft.type].map((m) => (
              <option key={m} value={m}>
                {AUTH_LABELS[m]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {OAUTH.includes(draft.authMethod) && <OAuthRegistration {...props} />}
      <Field
        label="Served email domains"
        hint="The domains of your users' addresses, separated by commas, e.g. example.com, eu.example.com. A domain belongs to one service only."
        error={domainError || undefined}
      >
        {(id, describedBy) => (
          <input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={!!domainError}
            value={draft.domains}
            onInput={(e) => set('domains', e.currentTarget.value)}
          />
        )}
      </Field>
    </fieldset>
  );
}

/** Load and send emails: a service needs at least one. */
function EmailChecks({ draft, set, errors }: SectionProps) {
  const checksError = errors.loadEmails || errors.sendEmails;
  return (
    <fieldset aria-describedby={checksError ? 'checks-error' : undefined}>
      <legend>Emails (at least one)</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={draft.loadEmails}
          onChange={(e) => set('loadEmails', e.currentTarget.checked)}
        />
        Load emails
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={draft.sendEmails}
          onChange={(e) => set('sendEmails', e.currentTarget.checked)}
        />
        Send emails
      </label>
      {!draft.loadEmails && !draft.sendEmails ? (
        <small id="checks-error" class="checks-error" role="alert">
          Turn on “Load emails”, “Send emails” or both: a mail service needs at least one.
        </small>
      ) : (
        checksError && (
          <small id="checks-error" class="checks-error">
            {checksError}
          </small>
        )
      )}
    </fieldset>
  );
}

/** The app registration in Microsoft Entra ID that an OAuth method signs in with. */
function OAuthRegistration({ draft, set, errors, service }: SectionProps) {
  return (
    <>
      <Field
        label="Application (client) id"
        hint="From the app registration in Microsoft Entra ID."
        error={errors.clientId}
      >
        {(id, describedBy) => (
          <input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={!!errors.clientId}
            value={draft.clientId}
            onInput={(e) => set('clientId', e.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label="Client secret"
        hint={
          service?.hasClientSecret
            ? 'A secret is stored (it is never shown). Type a new one only to replace it.'
            : 'The secret of the app registration; it is stored encrypted and never shown again.'
        }
        error={errors.clientSecret}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="password"
            autoComplete="new-password"
            aria-describedby={describedBy}
            aria-invalid={!!errors.clientSecret}
            value={draft.clientSecret}
            placeholder={service?.hasClientSecret ? '•••••••• (stored)' : undefined}
            onInput={(e) => set('clientSecret', e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="Tenant" hint="The directory (tenant) id or its domain." error={errors.tenant}>
        {(id, describedBy) => (
          <input
            id={id}
            aria-describedby={describedBy}
            aria-invalid={!!errors.tenant}
            value={draft.tenant}
            onInput={(e) => set('tenant', e.currentTarget.value)}
          />
        )}
      </Field>
      <RedirectUri known={service?.redirectUri} />
    </>
  );
}

/**
 * The redirect URI to register in the app registration, shown as soon as Microsoft 365 is chosen
 * (the registration usually comes before the service is saved), with a copy button.
 */
function RedirectUri(props: { known: string | undefined }) {
  const [loaded] = useLoad(
    async (signal) =>
      props.known ??
      (await get<{ redirectUri: string }>('/api/v1/mail-services/redirect-uri', undefined, signal))
        .redirectUri,
    [props.known],
  );
  const [copied, setCopied] = useState(false);
  if (!loaded.data) return null;
  const uri = loaded.data;
  return (
    <p class="redirect-uri">
      {t('mailServices.redirectUri')} <code class="copyable">{uri}</code>{' '}
      <button
        type="button"
        class="secondary small"
        onClick={() =>
          void navigator.clipboard?.writeText(uri).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('me.tokens.copied') : t('me.tokens.copy')}
      </button>
    </p>
  );
}

export function AdvancedOptions({ draft, set, errors }: SectionProps) {
  const advancedError = errors.authorityUrl || errors.caCertificate || errors.allowPrivateAddresses;
  const oauth = OAUTH.includes(draft.authMethod);
  return (
    <fieldset>
      <legend>Advanced options</legend>
      <details
        class="advanced"
        open={
          !!advancedError ||
          draft.allowPrivateAddresses ||
          !!draft.caCertificate ||
          (!!draft.authorityUrl && oauth)
        }
      >
        <summary>Certificate, private network and sign-in authority</summary>
        <Field
          label="CA certificate (PEM)"
          hint="For a server whose certificate comes from your own certificate authority: paste the CA certificate(s). Certificates are always checked."
          error={errors.caCertificate}
        >
          {(id, describedBy) => (
            <textarea
              id={id}
              class="pem"
              spellcheck={false}
              aria-describedby={describedBy}
              aria-invalid={!!errors.caCertificate}
              value={draft.caCertificate}
              placeholder="-----BEGIN CERTIFICATE-----"
              onInput={(e) => set('caCertificate', e.currentTarget.value)}
            />
          )}
        </Field>
        <label class="check">
          <input
            type="checkbox"
            checked={draft.allowPrivateAddresses}
            onChange={(e) => set('allowPrivateAddresses', e.currentTarget.checked)}
          />
          Allow private addresses (a server on the local network, or the sandbox)
        </label>
        {errors.allowPrivateAddresses && <small class="field-error">{errors.allowPrivateAddresses}</small>}
        {oauth && (
          <Field
            label="Sign-in authority URL"
            hint="Empty for https://login.microsoftonline.com; set it for national clouds or the sandbox."
            error={errors.authorityUrl}
          >
            {(id, describedBy) => (
              <input
                id={id}
                aria-describedby={describedBy}
                aria-invalid={!!errors.authorityUrl}
                value={draft.authorityUrl}
                onInput={(e) => set('authorityUrl', e.currentTarget.value)}
              />
            )}
          </Field>
        )}
      </details>
    </fieldset>
  );
}
