// Runs stopped by the mass-delete guard (SPEC E5). Administrators decide — delete as planned or
// keep the records and unlink them — after a confirmation that says exactly what will happen;
// everyone else sees that an administrator must decide.
import { useState } from 'preact/hooks';
import { post } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { Notice } from '../../components/notice.tsx';
import type { SyncDashboardHold } from '../../types.ts';
import { holdOutcomes } from './format.ts';

type Decision = 'approve' | 'unlink';

function Hold(props: { hold: SyncDashboardHold; isAdmin: boolean; onDecided: (message: string) => void }) {
  const { hold } = props;
  const [asking, setAsking] = useState<Decision | null>(null);
  const outcomes = holdOutcomes(hold);
  const headingId = `hold-${hold.mailboxId}-${hold.id}`;
  const decide = async (decision: Decision) => {
    await post(`/api/v1/mailboxes/${hold.mailboxId}/holds/${hold.id}`, { decision });
    setAsking(null);
    props.onDecided(
      `Decision saved: Exsync will ${outcomes[decision]}. A run of ${hold.address} is queued to carry it out.`,
    );
  };
  return (
    <article class="hold" aria-labelledby={headingId}>
      <h3 id={headingId}>Sync of {hold.address} waits for a decision</h3>
      <p>{hold.reason}</p>
      {hold.decision ? (
        <p>
          <span class="badge badge-ok">decided</span> Exsync will {outcomes[hold.decision]} on the next run of
          this mailbox.
        </p>
      ) : !props.isAdmin ? (
        <p class="muted">
          An administrator must confirm these deletes or choose to unlink the records instead.
        </p>
      ) : asking ? (
        <Confirm
          class="confirm"
          legend={`Confirm the decision for ${hold.address}`}
          kind={asking === 'approve' ? 'danger' : 'primary'}
          action={asking === 'approve' ? `Yes, ${outcomes.approve}` : `Yes, ${outcomes.unlink}`}
          busyLabel="Saving…"
          onAction={() => decide(asking)}
          onCancel={() => setAsking(null)}
        >
          <strong>
            {asking === 'approve'
              ? `Exsync will ${outcomes.approve}. This cannot be undone.`
              : `Exsync will ${outcomes.unlink}: nothing is deleted, and the records no longer sync with ${hold.address}.`}
          </strong>
        </Confirm>
      ) : (
        <div class="form-actions">
          <button type="button" class="danger" onClick={() => setAsking('approve')}>
            {outcomes.approve.charAt(0).toUpperCase() + outcomes.approve.slice(1)}…
          </button>
          <button type="button" class="secondary" onClick={() => setAsking('unlink')}>
            {outcomes.unlink.charAt(0).toUpperCase() + outcomes.unlink.slice(1)}…
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
      <h2 id="holds-heading">Deletes waiting for confirmation</h2>
      <p class="muted">
        The mass-delete guard stopped these runs because they would delete more than the mailbox allows at
        once. Until a decision is made, nothing is deleted and the rest keeps syncing.
      </p>
      {props.message && <Notice kind="success">{props.message}</Notice>}
      {props.holds.map((h) => (
        <Hold key={`${h.mailboxId}-${h.id}`} hold={h} isAdmin={props.isAdmin} onDecided={props.onDecided} />
      ))}
    </section>
  );
}
