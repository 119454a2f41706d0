// The activities of a contact (as a participant) or of an account (with one of its contacts
// taking part), on their pages: the latest first.
import { get, type Page as ListPage } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { t } from '../../i18n.ts';
import type { Activity } from '../../types.ts';
import { ActivityTable } from './activity-values.tsx';
import './activities.css';

const SHOWN = 50;

export function RelatedActivities(props: { filter: { participantId: string } | { accountId: string } }) {
  const key = JSON.stringify(props.filter);
  const [list, reload] = useLoad(
    (signal) =>
      get<ListPage<Activity>>(
        '/api/v1/activities',
        { ...props.filter, sort: '-start', limit: SHOWN },
        signal,
      ),
    [key],
  );
  return (
    <section class="card" aria-labelledby="related-activities">
      <h2 id="related-activities">{t('nav.activities')}</h2>
      <Loading value={list} what={t('nav.activities')} retry={() => void reload()}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">{t('activities.related.none')}</p>
          ) : (
            <>
              {page.total !== undefined && page.total > page.items.length && (
                <p class="muted">
                  {t('activities.related.latest', { shown: page.items.length, total: page.total })}
                </p>
              )}
              <ActivityTable activities={page.items} busy={list.state === 'loading'} />
            </>
          )
        }
      </Loading>
    </section>
  );
}
