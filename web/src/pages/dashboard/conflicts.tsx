// The logged conflicts with both versions side by side: per field the CRM's value, Exchange's
// value and which one was kept, and a sentence that says why.
import { useState } from 'preact/hooks';
import { get, messageOf, post } from '../../api.ts';
import { Address } from '../../components/address.tsx';
import { Field } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { ago, dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import type { Mailbox, SyncDashboardConflict } from '../../types.ts';
import { CHART_ENTITIES } from './activity-chart.tsx';
import {
  conflictRecordHref,
  conflictRows,
  conflictTitle,
  conflictWhy,
  conflictWinner,
  fieldLabel,
  SIDE_LABEL,
} from './format.ts';

const SHOWN = 20;

type Entity = SyncDashboardConflict['entity'];

type Action = 'use_other_value' | 'acknowledge';

/**
 * "Use the other value" writes the losing side's values to the CRM record (the contact, or the
 * meeting's or task's activity) as the user's own
 * edit (the next sync takes it to Exchange); "Acknowledge" accepts the outcome. Either settles
 * the conflict, which then says so instead of offering the buttons.
 */
function Settle(props: { conflict: SyncDashboardConflict; onSettled: () => void }) {
  const c = props.conflict;
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (c.userResolution !== null)
    return (
      <p class="conflict-settled" tabIndex={-1}>
        <span class="badge badge-ok">{t('conflict.settled', { how: c.userResolution })}</span>
      </p>
    );
  const other = conflictWinner(c) === 'crm' ? 'exchange' : 'crm';
  // Nothing to take when the other side deleted the record or no CRM record is left.
  const canUseOther = c.recordId !== null && c[other] !== null && c.fields.length > 0;
  const settle = async (action: Action) => {
    setBusy(action);
    setError(null);
    try {
      await post(`/api/v1/sync/conflicts/${c.id}/resolve`, { action });
      props.onSettled();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="form-actions conflict-actions">
      {error && <Notice kind="error">{error}</Notice>}
      {canUseOther && (
        <button
          type="button"
          class="secondary"
          disabled={busy !== null}
          onClick={() => void settle('use_other_value')}
        >
          {busy === 'use_other_value' ? t('common.saving') : t('conflict.useOther', { side: other })}
        </button>
      )}
      <button
        type="button"
        class="secondary"
        disabled={busy !== null}
        onClick={() => void settle('acknowledge')}
      >
        {busy === 'acknowledge' ? t('common.saving') : t('conflict.acknowledge')}
      </button>
    </div>
  );
}

function Conflict(props: { conflict: SyncDashboardConflict; onSettled: () => void }) {
  const c = props.conflict;
  const rows = conflictRows(c);
  const title = conflictTitle(c);
  const headingId = `conflict-${c.id}`;
  const href = conflictRecordHref(c);
  return (
    <article class="conflict" aria-labelledby={headingId}>
      <header class="conflict-head">
        <h3 id={headingId}>{href ? <a href={href}>{title}</a> : title}</h3>
        <span class="muted">
          {t(CHART_ENTITIES[c.entity])} · <Address value={c.address} /> ·{' '}
          <span title={dateTime(c.at)}>{ago(c.at)}</span>
        </span>
      </header>
      <p class="conflict-why">{conflictWhy(c)}</p>
      <div class="table-wrap">
        <table class="versions stack">
          <caption class="visually-hidden">{t('conflict.caption', { title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('conflict.field')}</th>
              <th scope="col">CRM</th>
              <th scope="col">Exchange</th>
              <th scope="col">{t('conflict.kept')}</th>
            </tr>
          </thead>
          <tbody>
            {c.crm === null || c.exchange === null ? (
              <tr>
                <th scope="row">{t('conflict.record', { entity: c.entity })}</th>
                <td data-label="CRM">
                  {c.crm === null ? <em>{t('conflict.deleted')}</em> : t('conflict.edited')}
                </td>
                <td data-label="Exchange">
                  {c.exchange === null ? <em>{t('conflict.deleted')}</em> : t('conflict.edited')}
                </td>
                <td data-label={t('conflict.kept')}>
                  {SIDE_LABEL[c.resolution === 'exchange_wins' ? 'exchange' : 'crm']}
                </td>
              </tr>
            ) : null}
            {rows.map((r) => (
              <tr key={r.field} class={r.both ? 'both' : undefined}>
                <th scope="row">
                  {fieldLabel(r.field)}
                  {r.both && <span class="badge badge-warn">{t('conflict.bothSides')}</span>}
                </th>
                <td class={r.kept === 'crm' ? 'kept' : undefined} data-label="CRM">
                  {r.crm || <span class="muted">{t('conflict.empty')}</span>}
                </td>
                <td class={r.kept === 'exchange' ? 'kept' : undefined} data-label="Exchange">
                  {r.exchange || <span class="muted">{t('conflict.empty')}</span>}
                </td>
                <td data-label={t('conflict.kept')}>{SIDE_LABEL[r.kept]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Settle conflict={c} onSettled={props.onSettled} />
    </article>
  );
}

/** The most conflicts the API gives at once; "Show more" stops there. */
const MOST = 500;

export function Conflicts(props: { version: number }) {
  // Newest first, SHOWN more at a time; a mailbox filter narrows them to one mailbox.
  const [limit, setLimit] = useState(SHOWN);
  const [mailboxId, setMailboxId] = useState('');
  const [entity, setEntity] = useState<Entity>('contacts');
  const [mailboxes] = useLoad(
    (signal) => get<{ items: Mailbox[] }>('/api/v1/mailboxes', undefined, signal).then((r) => r.items),
    [],
  );
  const [conflicts, reload] = useLoad(
    (signal) =>
      get<{ items: SyncDashboardConflict[] }>(
        '/api/v1/sync/conflicts',
        { entity, limit, mailboxId: mailboxId || undefined },
        signal,
      ).then((r) => r.items),
    [props.version, entity, limit, mailboxId],
  );
  return (
    <section class="card" aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading">{t('conflict.heading')}</h2>
      <p class="muted">{t('conflict.intro')}</p>
      <Field label={t('conflict.entityFilter')}>
        {(id) => (
          <select
            id={id}
            value={entity}
            onChange={(e) => {
              setEntity(e.currentTarget.value as Entity);
              setLimit(SHOWN);
            }}
          >
            {(Object.keys(CHART_ENTITIES) as Entity[]).map((name) => (
              <option key={name} value={name}>
                {t(CHART_ENTITIES[name])}
              </option>
            ))}
          </select>
        )}
      </Field>
      {(mailboxes.data?.length ?? 0) > 1 && (
        <Field label={t('conflict.mailboxFilter')}>
          {(id) => (
            <select
              id={id}
              value={mailboxId}
              onChange={(e) => {
                setMailboxId(e.currentTarget.value);
                setLimit(SHOWN);
              }}
            >
              <option value="">{t('conflict.allMailboxes')}</option>
              {mailboxes.data?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.address}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Loading value={conflicts} what={t('conflict.what')} retry={() => void reload()}>
        {(items) =>
          items.length === 0 ? (
            <p>{t('conflict.none')}</p>
          ) : (
            <div class="conflict-list">
              {items.map((c) => (
                <Conflict key={c.id} conflict={c} onSettled={() => void reload()} />
              ))}
              {items.length === limit && limit < MOST && (
                <button
                  type="button"
                  class="secondary"
                  onClick={() => setLimit(Math.min(limit + SHOWN, MOST))}
                >
                  {t('conflict.showMore')}
                </button>
              )}
              {items.length === MOST && <p class="muted">{t('conflict.newest', { count: MOST })}</p>}
            </div>
          )
        }
      </Loading>
    </section>
  );
}
