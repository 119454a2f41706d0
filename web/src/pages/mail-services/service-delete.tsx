// Deleting a mail service, after a confirmation; a service still used by mailboxes is refused
// with their list and what to do.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiProblem, del, get } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { t, tx } from '../../i18n.ts';
import type { Mailbox, MailService } from '../../types.ts';

/** The mailboxes that use a service, as links to their pages, where they can be disconnected. */
function MailboxesUsing(props: { serviceId: string }) {
  const [mailboxes] = useLoad(
    (signal) =>
      get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal).then((r) =>
        r.items.filter((m) => m.serviceId === props.serviceId && m.status !== 'disconnected'),
      ),
    [props.serviceId],
  );
  return (
    <ul class="in-use-list" aria-label={t('mailServices.inUseList')}>
      {(mailboxes.data ?? []).map((m) => (
        <li key={m.id}>
          <a href={`/settings/mailboxes/${encodeURIComponent(m.id)}`}>{m.address}</a>
        </li>
      ))}
    </ul>
  );
}

export function DeleteService(props: { service: MailService }) {
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
      <h2 id="delete-service">{t('mailServices.delete.heading')}</h2>
      {refusal && (
        <Notice kind="error" title={t('mailServices.delete.inUse')}>
          <p>{t('mailServices.delete.inUseText')}</p>
          <MailboxesUsing serviceId={props.service.id} />
          <p>
            {tx('mailServices.delete.inUseWhat', {
              mailboxes: (text) => <a href="/settings/mailboxes">{text}</a>,
            })}
          </p>
        </Notice>
      )}
      {confirming ? (
        <Confirm
          legend={t('mailServices.delete.legend')}
          action={t('mailServices.delete.action')}
          busyLabel={t('common.deleting')}
          onAction={remove}
          onCancel={() => setConfirming(false)}
        >
          {t('mailServices.delete.question', { name: props.service.name })}
        </Confirm>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          {t('mailServices.delete.button')}
        </button>
      )}
    </section>
  );
}
