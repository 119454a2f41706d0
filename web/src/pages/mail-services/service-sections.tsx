// The sections of the mail service form: the service itself (type, address), the additional
// settings (emails, login format, name, authentication, domains) with the OAuth app
// registration when the method needs one, and the advanced options for servers with their own
// certificate authority, on a private network or behind another sign-in authority.
import { useState } from 'preact/hooks';
import { get } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { useLoad } from '../../components/load.tsx';
import { t } from '../../i18n.ts';
import { authLabel, loginFormatLabel, typeLabel } from './admin-only.tsx';
import { AUTH_METHODS, type AuthMethod, type LoginFormat, OAUTH, type ServiceType } from './service-draft.ts';
import type { SectionProps } from './use-service-form.ts';

export function ServiceSettings({ draft, set, errors, service }: SectionProps) {
  return (
    <fieldset>
      <legend>{t('mailServices.section.service')}</legend>
      <Field
        label={t('mailServices.field.type')}
        hint={service ? t('mailServices.field.typeLocked') : undefined}
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
            <option value="exchange">{typeLabel('exchange')}</option>
            <option value="microsoft365">{typeLabel('microsoft365')}</option>
          </select>
        )}
      </Field>
      <Field
        label={t('mailServices.serviceAddress')}
        hint={
          draft.type === 'exchange'
            ? t('mailServices.field.addressHintExchange')
            : t('mailServices.field.addressHintGraph')
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
      <legend>{t('mailServices.section.additional')}</legend>
      <EmailChecks {...props} />
      {/* Microsoft 365 signs users in with their address; a login format means nothing there. */}
      {draft.type !== 'microsoft365' && (
        <Field
          label={t('mailServices.field.loginFormat')}
          hint={t('mailServices.field.loginFormatHint')}
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
                  {loginFormatLabel(f)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t('mailServices.field.name')} hint={t('mailServices.field.nameHint')} error={errors.name}>
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
        label={t('mailServices.field.auth')}
        hint={service?.accessMode ? t('mailServices.field.authLocked') : undefined}
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
                {authLabel(m)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {OAUTH.includes(draft.authMethod) && <OAuthRegistration {...props} />}
      <Field
        label={t('mailServices.field.domains')}
        hint={t('mailServices.field.domainsHint')}
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
      <legend>{t('mailServices.emails.legend')}</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={draft.loadEmails}
          onChange={(e) => set('loadEmails', e.currentTarget.checked)}
        />
        {t('mailServices.emails.load')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={draft.sendEmails}
          onChange={(e) => set('sendEmails', e.currentTarget.checked)}
        />
        {t('mailServices.emails.send')}
      </label>
      {!draft.loadEmails && !draft.sendEmails ? (
        <small id="checks-error" class="checks-error" role="alert">
          {t('mailServices.emails.none')}
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
        label={t('mailServices.oauth.clientId')}
        hint={t('mailServices.oauth.clientIdHint')}
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
        label={t('mailServices.oauth.secret')}
        hint={
          service?.hasClientSecret ? t('mailServices.oauth.secretStored') : t('mailServices.oauth.secretHint')
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
            placeholder={service?.hasClientSecret ? t('mailServices.oauth.secretPlaceholder') : undefined}
            onInput={(e) => set('clientSecret', e.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label={t('mailServices.oauth.tenant')}
        hint={t('mailServices.oauth.tenantHint')}
        error={errors.tenant}
      >
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
      <legend>{t('mailServices.section.advanced')}</legend>
      <details
        class="advanced"
        open={
          !!advancedError ||
          draft.allowPrivateAddresses ||
          !!draft.caCertificate ||
          (!!draft.authorityUrl && oauth)
        }
      >
        <summary>{t('mailServices.advanced.summary')}</summary>
        <Field
          label={t('mailServices.advanced.ca')}
          hint={t('mailServices.advanced.caHint')}
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
              placeholder={t('mailServices.advanced.caPlaceholder')}
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
          {t('mailServices.advanced.private')}
        </label>
        {errors.allowPrivateAddresses && <small class="field-error">{errors.allowPrivateAddresses}</small>}
        {oauth && (
          <Field
            label={t('mailServices.advanced.authority')}
            hint={t('mailServices.advanced.authorityHint')}
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
