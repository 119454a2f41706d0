// Settings → Mail services → add or edit, with the fields of the seeds' "Add service" form:
// type and service address first, then the additional settings (load/send emails, login format,
// name, authentication, client id and secret), the served domains and the advanced options a
// server with its own certificate or on a private network needs.
// The form's state and saving are in useServiceForm, its sections in service-sections.tsx,
// the translation to API bodies in service-draft.ts and deletion in service-delete.tsx.
import { get, messageOf } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { t } from '../../i18n.ts';
import type { MailService } from '../../types.ts';
import { AdminOnly } from './admin-only.tsx';
import { DeleteService } from './service-delete.tsx';
import { AdditionalSettings, AdvancedOptions, ServiceSettings } from './service-sections.tsx';
import { useServiceForm } from './use-service-form.ts';
import './mail-services.css';

export function MailServiceForm(props: { id?: string }) {
  const title = props.id ? t('mailServices.form.title') : t('mailServices.add');
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
    <Loading value={service} what={t('mailServices.form.what')} retry={() => void reload()}>
      {(s) => <ServiceEditor key={s.id} service={s} onSaved={reload} />}
    </Loading>
  );
}

function ServiceEditor(props: { service: MailService | null; onSaved?: () => Promise<void> }) {
  const { service } = props;
  const { draft, set, errors, problem, saved, save } = useServiceForm(service, props.onSaved);
  const section = { draft, set, errors, service };
  return (
    <Page
      title={service ? service.name : t('mailServices.add')}
      crumbs={[{ href: '/settings/mail-services', label: t('mailServices.title') }]}
    >
      {saved && <Notice kind="success">{saved}</Notice>}
      {problem && (
        <Notice kind="error" title={t('mailServices.form.notSaved')}>
          {messageOf(problem)}
        </Notice>
      )}
      <form
        class="card service-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <ServiceSettings {...section} />
        <AdditionalSettings {...section} />
        <AdvancedOptions {...section} />

        <div class="form-actions">
          <ActionButton
            kind="primary"
            type="submit"
            busyLabel={t('common.saving')}
            disabled={!draft.loadEmails && !draft.sendEmails}
            onAction={save}
          >
            {service ? t('mailServices.form.saveChanges') : t('mailServices.add')}
          </ActionButton>
          <a class="button" href="/settings/mail-services">
            {t('common.cancel')}
          </a>
        </div>
      </form>
      {service && <DeleteService service={service} />}
    </Page>
  );
}
