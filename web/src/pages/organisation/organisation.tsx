// Organisation mode (SPEC A5), for administrators: mail services whose one service identity
// syncs many users' mailboxes (Exchange impersonation, or Microsoft 365 app-only access). Connect
// a service for the organisation, then choose whose mailboxes it syncs; inactive users never sync.
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import type { MailService } from '../../types.ts';
import { ConnectOrganisation } from './connect.tsx';
import { UserSelection } from './user-selection.tsx';
import './organisation.css';

/** Whether the service's authentication allows organisation mode at all (the server's rule). */
export function organisationPossible(service: MailService): boolean {
  return service.type === 'microsoft365' ? service.authMethod === 'app_only' : service.authMethod !== 'oauth';
}

function whyNot(service: MailService): string {
  if (service.accessMode === 'individual')
    return 'Used with individual credentials since its first mailbox was added; that choice is final. Add another mail service for organisation mode.';
  return service.type === 'microsoft365'
    ? 'Uses delegated sign-in (each user signs in). Organisation mode needs app-only access (client credentials).'
    : 'Uses OAuth sign-in. Organisation mode on Exchange Server needs a service account with Basic or NTLM authentication.';
}

const TYPE_LABEL: Record<MailService['type'], string> = {
  exchange: 'Exchange Server (EWS)',
  microsoft365: 'Microsoft 365 (Graph)',
};

function identityOf(service: MailService): string {
  if (service.type === 'microsoft365') return `App ${service.clientId ?? '(no client id)'} (app-only access)`;
  return `${service.serviceLogin ?? '(no service account)'} (impersonation)`;
}

export function Organisation() {
  const [services, reload] = useLoad(
    (signal) => get<{ items: MailService[] }>('/api/v1/mail-services', undefined, signal),
    [],
  );
  return (
    <Page title="Organisation" crumbs={[{ href: '/settings/mail-services', label: 'Mail services' }]}>
      <p class="lead">
        In organisation mode one service identity syncs the mailboxes of the users you choose, without their
        passwords: an Exchange Server service account with the ApplicationImpersonation role, or a Microsoft
        365 app with app-only access. Each chosen user’s Exsync email address is their mailbox. Inactive users
        are never synced.
      </p>
      <Loading value={services} what="the mail services" retry={() => void reload()}>
        {({ items }) => {
          const connected = items.filter((s) => s.accessMode === 'organisation');
          const connectable = items.filter((s) => s.accessMode === null && organisationPossible(s));
          const others = items.filter((s) => !connected.includes(s) && !connectable.includes(s));
          return (
            <>
              {items.length === 0 && (
                <Notice kind="info" title="No mail services yet">
                  Add a mail service first: <a href="/settings/mail-services/new">Add a mail service</a>.
                </Notice>
              )}
              {items.length > 0 && connected.length === 0 && connectable.length === 0 && (
                <Notice kind="info" title="No mail service can be used for the organisation">
                  Organisation mode needs a mail service that no user has connected a mailbox to yet, with
                  Basic or NTLM authentication (Exchange Server) or app-only access (Microsoft 365).{' '}
                  <a href="/settings/mail-services/new">Add a mail service</a>.
                </Notice>
              )}
              {connected.map((s) => (
                <section key={s.id} class="card org-service" aria-labelledby={`service-${s.id}`}>
                  <header class="org-service-header">
                    <h2 id={`service-${s.id}`}>{s.name}</h2>
                    <span class="badge badge-ok">Organisation mode</span>
                  </header>
                  <dl class="facts">
                    <dt>Type</dt>
                    <dd>{TYPE_LABEL[s.type]}</dd>
                    <dt>Service identity</dt>
                    <dd>{identityOf(s)}</dd>
                    {s.domains.length > 0 && (
                      <>
                        <dt>Domains</dt>
                        <dd>{s.domains.join(', ')}</dd>
                      </>
                    )}
                  </dl>
                  <UserSelection service={s} />
                </section>
              ))}
              {connectable.map((s) => (
                <section key={s.id} class="card org-service" aria-labelledby={`service-${s.id}`}>
                  <header class="org-service-header">
                    <h2 id={`service-${s.id}`}>{s.name}</h2>
                    <span class="badge">Not connected</span>
                  </header>
                  <dl class="facts">
                    <dt>Type</dt>
                    <dd>{TYPE_LABEL[s.type]}</dd>
                  </dl>
                  <ConnectOrganisation service={s} onConnected={() => reload()} />
                </section>
              ))}
              {others.length > 0 && (
                <section aria-labelledby="other-services">
                  <h2 id="other-services">Mail services that cannot be used for the organisation</h2>
                  <ul class="other-services">
                    {others.map((s) => (
                      <li key={s.id}>
                        <a href={`/settings/mail-services/${encodeURIComponent(s.id)}`}>{s.name}</a>{' '}
                        <span class="muted">({TYPE_LABEL[s.type]})</span>: {whyNot(s)}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
            </>
          );
        }}
      </Loading>
    </Page>
  );
}
