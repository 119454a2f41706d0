// Settings → Mail services: every Exchange the organisation uses, for administrators.
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import type { MailService } from '../../types.ts';
import { AdminOnly, AUTH_LABELS, TYPE_LABELS } from './admin-only.tsx';
import './mail-services.css';

export function MailServiceList() {
  return (
    <AdminOnly title="Mail services">
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
      title="Mail services"
      actions={
        <a class="button primary" href="/settings/mail-services/new">
          Add mail service
        </a>
      }
    >
      <p class="muted">
        Each Exchange Server or Microsoft 365 your organisation uses. Users connect their mailboxes to these
        services by typing their email address; the served domains decide which service an address belongs to.
      </p>
      <Loading value={services} what="the mail services" retry={() => void reload()}>
        {(data) =>
          data.items.length === 0 ? (
            <Notice kind="info" title="No mail service yet">
              Add the Exchange Server or Microsoft 365 your organisation uses, so that users can connect their
              mailboxes.
            </Notice>
          ) : (
            <div class="table-wrap">
              <table aria-label="Mail services">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Service address</th>
                    <th scope="col">Authentication</th>
                    <th scope="col">Domains</th>
                    <th scope="col">Mode</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <a href={`/settings/mail-services/${s.id}`}>{s.name}</a>
                      </td>
                      <td>{TYPE_LABELS[s.type] ?? s.type}</td>
                      <td class="break">{s.serviceAddress}</td>
                      <td>{AUTH_LABELS[s.authMethod] ?? s.authMethod}</td>
                      <td>{s.domains.length > 0 ? s.domains.join(', ') : <span class="muted">none</span>}</td>
                      <td>
                        {s.accessMode === 'organisation'
                          ? 'Organisation'
                          : s.accessMode === 'individual'
                            ? 'Individual mailboxes'
                            : 'Not chosen yet'}
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
