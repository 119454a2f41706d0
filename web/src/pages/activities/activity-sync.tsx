// An activity's sync status per mailbox, in plain words: "organizer copy in ada@…", "attendee
// copy in grace@… (read-only)", when each last synced, and, when CRM edits could not be written
// to Exchange through any copy, why and what to do about it.
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { ago, dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import type { ActivitySyncStatus } from '../../types.ts';

type Entry = ActivitySyncStatus['mailboxes'][number];

/** What the mailbox holds: the organizer's copy, an attendee's (read-only), or a task of its own. */
export function copyWords(entry: Entry): string {
  const address = entry.address;
  if (entry.role === 'organizer') return t('activitySync.organizerCopy', { address });
  if (entry.role === 'attendee') return t('activitySync.attendeeCopy', { address });
  if (entry.entity === 'tasks') return t('activitySync.taskCopy', { address });
  return t('activitySync.copy', { address });
}

function StatusLine(props: { entry: Entry }) {
  const { entry } = props;
  return (
    <li>
      <div class="crm-sync-line">
        <span class={entry.notWritten ? 'badge badge-warn' : 'badge badge-ok'}>
          {entry.notWritten ? t('activitySync.badge.notWritten') : t('activitySync.badge.synced')}
        </span>
        <span>{copyWords(entry)}</span>
      </div>
      <p class="muted small" title={dateTime(entry.lastSyncedAt)}>
        {t('activitySync.lastSynced', { ago: ago(entry.lastSyncedAt) })}
      </p>
      {entry.notWritten && (
        <Notice kind="warning" title={t('activitySync.notWritten', { address: entry.address })}>
          {t('activitySync.notWrittenAdvice')}
        </Notice>
      )}
    </li>
  );
}

export function ActivitySync(props: { activityId: string; version: number }) {
  const [status, reload] = useLoad(
    (signal) =>
      get<ActivitySyncStatus>(
        `/api/v1/activities/${encodeURIComponent(props.activityId)}/sync-status`,
        undefined,
        signal,
      ),
    [props.activityId, props.version],
  );
  return (
    <section class="card" aria-labelledby="activity-sync">
      <h2 id="activity-sync">{t('activitySync.title')}</h2>
      <Loading value={status} what={t('activitySync.what')} retry={() => void reload()}>
        {(loaded) =>
          loaded.mailboxes.length === 0 ? (
            <p class="muted">{t('activitySync.none')}</p>
          ) : (
            <ul class="crm-plain-list crm-sync-mailboxes" aria-label={t('activitySync.perMailbox')}>
              {loaded.mailboxes.map((entry) => (
                <StatusLine key={`${entry.entity}-${entry.mailboxId}`} entry={entry} />
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}
