// The dashboard's counts per entity (issue #12): for each visible mailbox, its contacts, meetings
// and tasks — how many items are linked to CRM records, the latest run with what it changed in
// each direction, and the conflicts no one has settled yet.
import { get } from '../../api.ts';
import { Address } from '../../components/address.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { ago, dateTime } from '../../components/time.ts';
import { formatNumber, type MessageKey, t } from '../../i18n.ts';
import type { SyncEntityCounts } from '../../types.ts';
import { DIRECTIONS, runStatus, total } from './format.ts';
import { NumberHeads } from './number-heads.tsx';

type Row = SyncEntityCounts['items'][number];

const ENTITY_LABEL: Record<Row['entity'], MessageKey> = {
  contacts: 'dashboard.entity.contacts',
  meetings: 'dashboard.entity.meetings',
  tasks: 'dashboard.entity.tasks',
};

function LatestRun(props: { run: Row['latestRun'] }) {
  const { run } = props;
  if (!run) return <span class="muted">{t('dashboard.entities.never')}</span>;
  const s = runStatus(run.status);
  return (
    <>
      <span class={s.kind === 'off' ? 'badge' : `badge badge-${s.kind}`}>{s.label}</span>{' '}
      <span title={dateTime(run.startedAt)}>{ago(run.startedAt)}</span>
    </>
  );
}

export function EntityCounts(props: { version: number }) {
  const [counts, reload] = useLoad(
    (signal) => get<SyncEntityCounts>('/api/v1/sync/entities', undefined, signal),
    [props.version],
  );
  const heads = {
    mailbox: t('dashboard.entities.mailbox'),
    entity: t('dashboard.entities.entity'),
    linked: t('dashboard.entities.linked'),
    latest: t('dashboard.entities.latest'),
    open: t('dashboard.entities.open'),
  };
  const directions = DIRECTIONS.map((d) => t(d.label));
  return (
    <section class="card" aria-labelledby="entities-heading">
      <h2 id="entities-heading">{t('dashboard.entities.title')}</h2>
      <p class="muted small">{t('dashboard.entities.intro')}</p>
      <Loading value={counts} what={t('dashboard.entities.what')} retry={() => void reload()}>
        {(loaded) => (
          <div class="table-wrap">
            <table class="stack entity-counts">
              <caption class="visually-hidden">{t('dashboard.entities.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{heads.mailbox}</th>
                  <th scope="col">{heads.entity}</th>
                  <NumberHeads labels={[heads.linked]} />
                  <th scope="col">{heads.latest}</th>
                  <NumberHeads labels={[...directions, heads.open]} />
                </tr>
              </thead>
              <tbody>
                {loaded.items.map((row) => (
                  <tr key={`${row.mailboxId}-${row.entity}`}>
                    <td data-label={heads.mailbox}>
                      <Address value={row.address} />
                    </td>
                    <th scope="row" data-label={heads.entity}>
                      {t(ENTITY_LABEL[row.entity])}
                    </th>
                    <td class="num" data-label={heads.linked}>
                      {formatNumber(row.linked)}
                    </td>
                    <td data-label={heads.latest}>
                      <LatestRun run={row.latestRun} />
                    </td>
                    {DIRECTIONS.map((d, i) => (
                      <td key={d.key} class="num" data-label={directions[i]}>
                        {row.latestRun ? formatNumber(total(row.latestRun.counts[d.key])) : '—'}
                      </td>
                    ))}
                    <td class="num" data-label={heads.open}>
                      {formatNumber(row.openConflicts)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loading>
    </section>
  );
}
