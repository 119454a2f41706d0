// The mail service form's state: the draft, the API's refusal by field, and saving (a new
// service opens its own page; an edited one reloads).
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { patch, post } from '../../api.ts';
import { useFormProblem } from '../../components/form-problem.ts';
import { t } from '../../i18n.ts';
import type { MailService } from '../../types.ts';
import { AUTH_METHODS, createBody, type Draft, draftOf, EMPTY, updateBody } from './service-draft.ts';

/** What every section of the form gets: the draft, the refusal's messages by field, the service. */
export interface SectionProps {
  draft: Draft;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
  errors: Record<string, string>;
  /** The stored service; null while adding one. */
  service: MailService | null;
}

export function useServiceForm(service: MailService | null, onSaved?: () => Promise<void>) {
  const { route, query } = useLocation();
  const [draft, setDraft] = useState<Draft>(service ? draftOf(service) : EMPTY);
  const { problem, errors, submit } = useFormProblem();
  const [saved, setSaved] = useState<string | null>(query.added ? t('mailServices.form.added') : null);
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
        setSaved(t('mailServices.form.saved'));
        await onSaved?.();
      } else {
        const created = await post<MailService>('/api/v1/mail-services', createBody(draft));
        route(`/settings/mail-services/${created.id}?added=1`);
      }
    });

  return { draft, set, errors, problem, saved, save };
}
