// Settings → Mail services: every Exchange the organisation uses, for administrators.
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { t } from '../../i18n.ts';
import type { MailService } from '../../types.ts';
import { AdminOnly, authLabel, typeLabel } from './admin-only.tsx';
import './mail-services.css';

export function MailServiceList() {
  return (
    <AdminOnly title={t('mailServices.title')}>
      <ServiceList />
    </AdminOnly>
  );
}

function ServiceList() {
  const [services, reload] = useLoad(
    (signal) => get<{ items: MailService[] }>('/api/v1/mail-services', undefined, signal),
    [],
  );
  return (
    <Page
      title={t('mailServices.title')}
      actions={
        <a class="button primary" href="/settings/mail-services/new">
          {t('mailServices.add')}
        </a>
      }
    >
      <p class="muted">{t('mailServices.intro')} </p>
      <Loading value={services} what={t('services.what')} retry={() => void reload()}>
        {(data) =>
          data.items.length === 0 ? (
            <Notice kind="info" title={t('mailServices.empty')}>
              {t('mailServices.emptyText')}
            </Notice>
          ) : (
            <div class="table-wrap">
              <table aria-label={t('mailServices.title')}>
                <thead>
                  <tr>
                    <th scope="col">{t('mailServices.head.name')}</th>
                    <th scope="col">{t('mailServices.head.type')}</th>
                    <th scope="col">{t('mailServices.serviceAddress')}</th>
                    <th scope="col">{t('mailServices.head.auth')}</th>
                    <th scope="col">{t('org.domains')}</th>
                    <th scope="col">{t('mailServices.head.mode')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <a href={`/settings/mail-services/${s.id}`}>{s.name}</a>
                      </td>
                      <td>{typeLabel(s.type)}</td>
                      <td class="break">{s.serviceAddress}</td>
                      <td>{authLabel(s.authMethod)}</td>
                      <td>
                        {s.domains.length > 0 ? (
                          s.domains.join(', ')
                        ) : (
                          <span class="muted">{t('mailServices.noDomains')}</span>
                        )}
                      </td>
                      <td>
                        {s.accessMode === 'organisation'
                          ? t('mailServices.mode.organisation')
                          : s.accessMode === 'individual'
                            ? t('mailServices.mode.individual')
                            : t('mailServices.mode.none')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </Page>
  );
}
