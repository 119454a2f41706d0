// Organisation mode (SPEC A5), for administrators: mail services whose one service identity
// syncs many users' mailboxes (Exchange impersonation, or Microsoft 365 app-only access). Connect
// a service for the organisation, then choose whose mailboxes it syncs; inactive users never sync.
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { formatList, t, tx } from '../../i18n.ts';
import type { MailService } from '../../types.ts';
import { ConnectOrganisation } from './connect.tsx';
import { UserSelection } from './user-selection.tsx';
import './organisation.css';

/** Whether the service's authentication allows organisation mode at all (the server's rule). */
export function organisationPossible(service: MailService): boolean {
  return service.type === 'microsoft365' ? service.authMethod === 'app_only' : service.authMethod !== 'oauth';
}

function whyNot(service: MailService): string {
  return t('org.whyNot', { reason: service.accessMode === 'individual' ? 'individual' : service.type });
}

const TYPE_LABEL: Record<MailService['type'], string> = {
  exchange: 'Exchange Server (EWS)',
  microsoft365: 'Microsoft 365 (Graph)',
};

function identityOf(service: MailService): string {
  return t('org.identity', {
    type: service.type,
    id: (service.type === 'microsoft365' ? service.clientId : service.serviceLogin) ?? '',
  });
}

export function Organisation() {
  const [services, reload] = useLoad(
    (signal) => get<{ items: MailService[] }>('/api/v1/mail-services', undefined, signal),
    [],
  );
  return (
    <Page
      title={t('nav.organisation')}
      crumbs={[{ href: '/settings/mail-services', label: t('nav.mailServices') }]}
    >
      <p class="lead">{t('org.intro')}</p>
      <Loading value={services} what={t('services.what')} retry={() => void reload()}>
        {({ items }) => {
          const connected = items.filter((s) => s.accessMode === 'organisation');
          const connectable = items.filter((s) => s.accessMode === null && organisationPossible(s));
          const others = items.filter((s) => !connected.includes(s) && !connectable.includes(s));
          return (
            <>
              {items.length === 0 && (
                <Notice kind="info" title={t('services.none')}>
                  {tx('org.addServiceFirst', {
                    add: (text) => <a href="/settings/mail-services/new">{text}</a>,
                  })}
                </Notice>
              )}
              {items.length > 0 && connected.length === 0 && connectable.length === 0 && (
                <Notice kind="info" title={t('org.noneUsable')}>
                  {tx('org.noneUsableText', {
                    add: (text) => <a href="/settings/mail-services/new">{text}</a>,
                  })}
                </Notice>
              )}
              {connected.map((s) => (
                <section key={s.id} class="card org-service" aria-labelledby={`service-${s.id}`}>
                  <header class="org-service-header">
                    <h2 id={`service-${s.id}`}>{s.name}</h2>
                    <span class="badge badge-ok">{t('org.mode')}</span>
                  </header>
                  <dl class="facts">
                    <dt>{t('org.type')}</dt>
                    <dd>{TYPE_LABEL[s.type]}</dd>
                    <dt>{t('org.serviceIdentity')}</dt>
                    <dd>{identityOf(s)}</dd>
                    {s.domains.length > 0 && (
                      <>
                        <dt>{t('org.domains')}</dt>
                        <dd>{formatList(s.domains)}</dd>
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
                    <span class="badge">{t('org.notConnected')}</span>
                  </header>
                  <dl class="facts">
                    <dt>{t('org.type')}</dt>
                    <dd>{TYPE_LABEL[s.type]}</dd>
                  </dl>
                  <ConnectOrganisation service={s} onConnected={() => reload()} />
                </section>
              ))}
              {others.length > 0 && (
                <section aria-labelledby="other-services">
                  <h2 id="other-services">{t('org.others')}</h2>
                  <ul class="other-services">
                    {others.map((s) => (
                      <li key={s.id}>
                        <a href={`/settings/mail-services/${encodeURIComponent(s.id)}`}>{s.name}</a>{' '}
                        <span class="muted">({TYPE_LABEL[s.type]})</span> {whyNot(s)}
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
