// Settings → Mail services → add or edit, with the fields of the seeds' "Add service" form:
// type and service address first, then the additional settings (load/send emails, login format,
// name, authentication, client id and secret), the served domains and the advanced options a
// server with its own certificate or on a private network needs.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiProblem, del, get, patch, post } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Confirm } from '../../components/confirm.tsx';
import { Field } from '../../components/field.tsx';
import { useFormProblem } from '../../components/form-problem.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import type { MailService, MailServiceCreate, MailServiceUpdate } from '../../types.ts';
import { AdminOnly, AUTH_LABELS, LOGIN_FORMAT_LABELS, TYPE_LABELS } from './admin-only.tsx';
import './mail-services.css';

type ServiceType = MailService['type'];
type AuthMethod = MailService['authMethod'];
type LoginFormat = MailService['loginFormat'];

const AUTH_METHODS: Record<ServiceType, AuthMethod[]> = {
  exchange: ['basic', 'ntlm', 'oauth'],
  microsoft365: ['oauth_delegated', 'app_only'],
};
const OAUTH: AuthMethod[] = ['oauth', 'oauth_delegated', 'app_only'];

interface Draft {
  type: ServiceType;
  serviceAddress: string;
  name: string;
  loadEmails: boolean;
  sendEmails: boolean;
  loginFormat: LoginFormat;
  authMethod: AuthMethod;
  clientId: string;
  clientSecret: string;
  tenant: string;
  domains: string;
  authorityUrl: string;
  caCertificate: string;
  allowPrivateAddresses: boolean;
}

const EMPTY: Draft = {
  type: 'exchange',
  serviceAddress: '',
  name: '',
  loadEmails: true,
  sendEmails: true,
  loginFormat: 'email',
  authMethod: 'basic',
  clientId: '',
  clientSecret: '',
  tenant: '',
  domains: '',
  authorityUrl: '',
  caCertificate: '',
  allowPrivateAddresses: false,
};

function draftOf(s: MailService): Draft {
  return {
    type: s.type,
    serviceAddress: s.serviceAddress,
    name: s.name,
    loadEmails: s.loadEmails,
    sendEmails: s.sendEmails,
    loginFormat: s.loginFormat,
    authMethod: s.authMethod,
    clientId: s.clientId ?? '',
    clientSecret: '',
    tenant: s.tenant ?? '',
    domains: s.domains.join(', '),
    authorityUrl: s.authorityUrl ?? '',
    caCertificate: s.caCertificate ?? '',
    allowPrivateAddresses: s.allowPrivateAddresses,
  };
}

const domainList = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);

const trimmed = (text: string) => text.trim() || undefined;

function createBody(d: Draft): MailServiceCreate {
  const oauth = OAUTH.includes(d.authMethod);
  return {
    type: d.type,
    serviceAddress: trimmed(d.serviceAddress),
    name: trimmed(d.name),
    loadEmails: d.loadEmails,
    sendEmails: d.sendEmails,
    loginFormat: d.loginFormat,
    authMethod: d.authMethod,
    clientId: oauth ? trimmed(d.clientId) : undefined,
    clientSecret: oauth && d.clientSecret ? d.clientSecret : undefined,
    tenant: oauth ? trimmed(d.tenant) : undefined,
    domains: domainList(d.domains),
    authorityUrl: trimmed(d.authorityUrl),
    caCertificate: trimmed(d.caCertificate),
    allowPrivateAddresses: d.allowPrivateAddresses,
  };
}

function updateBody(d: Draft): MailServiceUpdate {
  const oauth = OAUTH.includes(d.authMethod);
  return {
    serviceAddress: d.serviceAddress.trim(),
    ...(d.name.trim() ? { name: d.name.trim() } : {}),
    loadEmails: d.loadEmails,
    sendEmails: d.sendEmails,
    loginFormat: d.loginFormat,
    authMethod: d.authMethod,
    clientId: oauth ? (trimmed(d.clientId) ?? null) : undefined,
    // Empty keeps the stored secret: it is never sent back to be shown.
    ...(oauth && d.clientSecret ? { clientSecret: d.clientSecret } : {}),
    tenant: oauth ? (trimmed(d.tenant) ?? null) : undefined,
    domains: domainList(d.domains),
    authorityUrl: trimmed(d.authorityUrl) ?? null,
    caCertificate: trimmed(d.caCertificate) ?? null,
    allowPrivateAddresses: d.allowPrivateAddresses,
  };
}

export function MailServiceForm(props: { id?: string }) {
  const title = props.id ? 'Mail service' : 'Add mail service';
  return (
    <AdminOnly title={title}>
      {props.id ? <EditService id={props.id} /> : <ServiceEditor service={null} />}
    </AdminOnly>
  );
}

function EditService(props: { id: string }) {
  const [service, reload] = useLoad(
    (signal) => get<MailService>(`/api/v1/mail-services/${encodeURIComponent(props.id)}`, undefined, signal),
    [props.id],
  );
  return (
    <Loading value={service} what="the mail service" retry={() => void reload()}>
      {(s) => <ServiceEditor key={s.id} service={s} onSaved={reload} />}
    </Loading>
  );
}

function ServiceEditor(props: { service: MailService | null; onSaved?: () => Promise<void> }) {
  const { service } = props;
  const { route, query } = useLocation();
  const [draft, setDraft] = useState<Draft>(service ? draftOf(service) : EMPTY);
  const { problem, errors, submit } = useFormProblem();
  const [saved, setSaved] = useState<string | null>(query.added ? 'Mail service added.' : null);
  const domainError = Object.entries(errors)
    .filter(([k]) => k === 'domains' || k.startsWith('domains.'))
    .map(([, m]) => m)
    .join('; ');
  const advancedError = errors.authorityUrl || errors.caCertificate || errors.allowPrivateAddresses;
  const oauth = OAUTH.includes(draft.authMethod);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    // A new type offers other authentication methods.
    if (!AUTH_METHODS[draft.type].includes(draft.authMethod)) set('authMethod', AUTH_METHODS[draft.type][0]!);
  }, [draft.type, draft.authMethod]);

  const save = () =>
    submit(async () => {
      setSaved(null);
      if (service) {
        await patch<MailService>(`/api/v1/mail-services/${service.id}`, updateBody(draft));
        setSaved('Changes saved.');
        await props.onSaved?.();
      } else {
        const created = await post<MailService>('/api/v1/mail-services', createBody(draft));
        route(`/settings/mail-services/${created.id}?added=1`);
      }
    });

  const checksError = errors.loadEmails || errors.sendEmails;
  return (
    <Page
      title={service ? service.name : 'Add mail service'}
      crumbs={[{ href: '/settings/mail-services', label: 'Mail services' }]}
    >
      {saved && <Notice kind="success">{saved}</Notice>}
      {problem && (
        <Notice kind="error" title="The mail service was not saved">
          {problem.message}
        </Notice>
      )}
      <form
        class="card service-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
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

        <fieldset>
          <legend>Additional settings</legend>
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
          <Field
            label="Service name"
            hint="Shown to users; the service address when empty."
            error={errors.name}
          >
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
          {oauth && (
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
              {service && (
                <p>
                  Redirect URI to register in the app registration:{' '}
                  <code class="copyable">{service.redirectUri}</code>
                </p>
              )}
            </>
          )}
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
            {errors.allowPrivateAddresses && (
              <small class="field-error">{errors.allowPrivateAddresses}</small>
            )}
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

        <div class="form-actions">
          <ActionButton
            kind="primary"
            type="submit"
            busyLabel="Saving…"
            disabled={!draft.loadEmails && !draft.sendEmails}
            onAction={save}
          >
            {service ? 'Save changes' : 'Add mail service'}
          </ActionButton>
          <a class="button" href="/settings/mail-services">
            Cancel
          </a>
        </div>
      </form>
      {service && <DeleteService service={service} />}
    </Page>
  );
}

function DeleteService(props: { service: MailService }) {
  const { route } = useLocation();
  const [confirming, setConfirming] = useState(false);
  const [refusal, setRefusal] = useState<ApiProblem | null>(null);
  const remove = async () => {
    setRefusal(null);
    try {
      await del(`/api/v1/mail-services/${props.service.id}`);
      route('/settings/mail-services');
    } catch (error) {
      setConfirming(false);
      if (error instanceof ApiProblem && error.code === 'service_in_use') setRefusal(error);
      else throw error;
    }
  };
  return (
    <section class="card" aria-labelledby="delete-service">
      <h2 id="delete-service">Delete this mail service</h2>
      {refusal && (
        <Notice kind="error" title="This mail service is still in use">
          <p>The mail service cannot be deleted while these mailboxes use it:</p>
          <ul class="in-use-list" aria-label="Mailboxes using this service">
            {refusal.details.map((d) => (
              <li key={d.path}>{d.message}</li>
            ))}
          </ul>
          <p>
            Disconnect them first (on each mailbox's page in <a href="/settings/mailboxes">Mailboxes</a>),
            then delete the service. Data already synced stays.
          </p>
        </Notice>
      )}
      {confirming ? (
        <Confirm
          legend="Confirm deletion"
          action="Delete mail service"
          busyLabel="Deleting…"
          onAction={remove}
          onCancel={() => setConfirming(false)}
        >
          Delete “{props.service.name}”? Users can no longer connect mailboxes to it. This cannot be undone.
        </Confirm>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
    </section>
  );
}
