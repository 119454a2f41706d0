// Deleting a mail service, after a confirmation; a service still used by mailboxes is refused
// with their list and what to do.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiProblem, del, get } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { t } from '../../i18n.ts';
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
      <h2 id="delete-service">Delete this mail service</h2>
      {refusal && (
        <Notice kind="error" title="This mail service is still in use">
          <p>The mail service cannot be deleted while these mailboxes use it:</p>
          <MailboxesUsing serviceId={props.service.id} />
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
