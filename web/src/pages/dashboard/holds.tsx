// Runs stopped by the mass-delete guard (SPEC E5). Administrators decide — delete as planned or
// keep the records and unlink them — after a confirmation that says exactly what will happen;
// everyone else sees that an administrator must decide.
import { useState } from 'preact/hooks';
import { post } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { Notice } from '../../components/notice.tsx';
import { t } from '../../i18n.ts';
import type { SyncDashboardHold } from '../../types.ts';
import { holdValues } from './format.ts';

type Decision = 'approve' | 'unlink';

function Hold(props: { hold: SyncDashboardHold; isAdmin: boolean; onDecided: (message: string) => void }) {
  const { hold } = props;
  const [asking, setAsking] = useState<Decision | null>(null);
  const values = holdValues(hold);
  const headingId = `hold-${hold.mailboxId}-${hold.id}`;
  const decide = async (decision: Decision) => {
    await post(`/api/v1/mailboxes/${hold.mailboxId}/holds/${hold.id}`, { decision });
    setAsking(null);
    props.onDecided(t('hold.saved', { ...values, decision }));
  };
  return (
    <article class="hold" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('hold.title', values)}</h3>
      <p>{hold.reason}</p>
      {hold.decision ? (
        <p>
          <span class="badge badge-ok">{t('hold.decidedBadge')}</span>{' '}
          {t('hold.decided', { ...values, decision: hold.decision })}
        </p>
      ) : !props.isAdmin ? (
        <p class="muted">{t('hold.adminMust')}</p>
      ) : asking ? (
        <Confirm
          class="confirm"
          legend={t('hold.confirmLegend', values)}
          kind={asking === 'approve' ? 'danger' : 'primary'}
          action={t('hold.confirmAction', { ...values, decision: asking })}
          busyLabel={t('common.saving')}
          onAction={() => decide(asking)}
          onCancel={() => setAsking(null)}
        >
          <strong>{t('hold.confirmQuestion', { ...values, decision: asking })}</strong>
        </Confirm>
      ) : (
        <div class="form-actions">
          <button type="button" class="danger" onClick={() => setAsking('approve')}>
            {t('hold.approveButton', values)}
          </button>
          <button type="button" class="secondary" onClick={() => setAsking('unlink')}>
            {t('hold.unlinkButton', values)}
          </button>
        </div>
      )}
    </article>
  );
}

export function Holds(props: {
  holds: SyncDashboardHold[];
  isAdmin: boolean;
  onDecided: (message: string) => void;
  message: string | null;
}) {
  if (props.holds.length === 0) return props.message ? <Notice kind="success">{props.message}</Notice> : null;
  return (
    <section class="card holds" aria-labelledby="holds-heading">
      <h2 id="holds-heading">{t('hold.heading')}</h2>
      <p class="muted">{t('hold.intro')}</p>
      {props.message && <Notice kind="success">{props.message}</Notice>}
      {props.holds.map((h) => (
        <Hold key={`${h.mailboxId}-${h.id}`} hold={h} isAdmin={props.isAdmin} onDecided={props.onDecided} />
      ))}
    </section>
  );
}
