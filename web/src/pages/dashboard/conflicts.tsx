// The logged conflicts with both versions side by side: per field the CRM's value, Exchange's
// value and which one was kept, and a sentence that says why.
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { ago, dateTime } from '../../components/time.ts';
import type { SyncDashboardConflict } from '../../types.ts';
import { conflictRows, conflictTitle, conflictWhy, fieldLabel, SIDE_LABEL } from './format.ts';

const SHOWN = 20;

function Conflict(props: { conflict: SyncDashboardConflict }) {
  const c = props.conflict;
  const rows = conflictRows(c);
  const title = conflictTitle(c);
  const headingId = `conflict-${c.id}`;
  return (
    <article class="conflict" aria-labelledby={headingId}>
      <header class="conflict-head">
        <h3 id={headingId}>{c.recordId ? <a href={`/contacts/${c.recordId}`}>{title}</a> : title}</h3>
        <span class="muted">
          {c.address} · <span title={dateTime(c.at)}>{ago(c.at)}</span>
        </span>
      </header>
      <p class="conflict-why">{conflictWhy(c)}</p>
      <div class="table-wrap">
        <table class="versions">
          <caption class="visually-hidden">Both versions of {title}</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">CRM</th>
              <th scope="col">Exchange</th>
              <th scope="col">Kept</th>
            </tr>
          </thead>
          <tbody>
            {c.crm === null || c.exchange === null ? (
              <tr>
                <th scope="row">Contact</th>
                <td>{c.crm === null ? <em>deleted</em> : 'edited'}</td>
                <td>{c.exchange === null ? <em>deleted</em> : 'edited'}</td>
                <td>{SIDE_LABEL[c.resolution === 'exchange_wins' ? 'exchange' : 'crm']}</td>
              </tr>
            ) : null}
            {rows.map((r) => (
              <tr key={r.field} class={r.both ? 'both' : undefined}>
                <th scope="row">
                  {fieldLabel(r.field)}
                  {r.both && <span class="badge badge-warn">edited on both sides</span>}
                </th>
                <td class={r.kept === 'crm' ? 'kept' : undefined}>
                  {r.crm || <span class="muted">empty</span>}
                </td>
                <td class={r.kept === 'exchange' ? 'kept' : undefined}>
                  {r.exchange || <span class="muted">empty</span>}
                </td>
                <td>{SIDE_LABEL[r.kept]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

export function Conflicts(props: { version: number }) {
  const [conflicts, reload] = useLoad(
    (signal) =>
      get<{ items: SyncDashboardConflict[] }>('/api/v1/sync/conflicts', { limit: SHOWN }, signal).then(
        (r) => r.items,
      ),
    [props.version],
  );
  return (
    <section class="card" aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading">Conflicts</h2>
      <p class="muted">
        A contact changed in the CRM and in Exchange since the last sync. Exsync settles each by the mailbox’s
        conflict policy and keeps edits to different fields from both sides.
      </p>
      <Loading value={conflicts} what="the conflicts" retry={() => void reload()}>
        {(items) =>
          items.length === 0 ? (
            <p>No conflicts so far.</p>
          ) : (
            <div class="conflict-list">
              {items.map((c) => (
                <Conflict key={c.id} conflict={c} />
              ))}
              {items.length === SHOWN && <p class="muted">The {SHOWN} newest are shown.</p>}
            </div>
          )
        }
      </Loading>
    </section>
  );
}
