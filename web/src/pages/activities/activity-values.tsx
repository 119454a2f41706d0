// Words and small views of activities shared by the list, the record page and the contact and
// account pages.
import type { ComponentChildren } from 'preact';
import { t } from '../../i18n.ts';
import type { Activity } from '../../types.ts';
import { None } from '../contacts/values.tsx';
import { ownZoneText, whenText } from './when.ts';

export const KINDS = ['meeting', 'task'] as const;
export const STATUSES = ['planned', 'in_progress', 'completed', 'cancelled', 'waiting', 'deferred'] as const;
export const PRIORITIES = ['low', 'normal', 'high'] as const;
export const ROLES = ['organizer', 'required', 'optional', 'resource'] as const;
export const RESPONSES = ['none', 'accepted', 'tentative', 'declined'] as const;

export const kindLabel = (k: string) => t(`activities.kind.${k as (typeof KINDS)[number]}`);
export const statusLabel = (s: string) => t(`activities.status.${s as (typeof STATUSES)[number]}`);
export const priorityLabel = (p: string) => t(`activities.priority.${p as (typeof PRIORITIES)[number]}`);
export const roleLabel = (r: string) => t(`activities.role.${r as (typeof ROLES)[number]}`);
export const responseLabel = (r: string) => t(`activities.response.${r as (typeof RESPONSES)[number]}`);

/** When an activity happens, in the viewer's zone; the activity's own zone below when it reads differently. */
export function When(props: { activity: Activity; withOwnZone?: boolean }) {
  const a = props.activity;
  const text = whenText(a);
  if (!text) return <None />;
  const own = props.withOwnZone ? ownZoneText(a) : null;
  return (
    <>
      {text}
      {own && (
        <>
          <br />
          <span class="muted">{t('activities.inOwnZone', { zone: a.timeZone, time: own })}</span>
        </>
      )}
    </>
  );
}

/** A table of activities, each linked to its page. */
export function ActivityTable(props: {
  activities: Activity[];
  busy?: boolean;
  ownerName?: (id: string) => ComponentChildren;
}) {
  const columns: Array<{ label: string; cell: (a: Activity) => ComponentChildren }> = [
    { label: t('activities.field.kind'), cell: (a) => kindLabel(a.kind) },
    { label: t('activities.field.when'), cell: (a) => <When activity={a} /> },
    { label: t('activities.field.status'), cell: (a) => statusLabel(a.status) },
  ];
  if (props.ownerName)
    columns.push({ label: t('activities.field.owner'), cell: (a) => props.ownerName!(a.ownerId) });
  return (
    <div class="table-wrap crm-table-wrap" aria-busy={props.busy}>
      <table class="crm-table">
        <caption class="visually-hidden">{t('nav.activities')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('activities.field.subject')}</th>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.activities.map((a) => (
            <tr key={a.id}>
              <th scope="row" data-label={t('activities.field.subject')}>
                <a href={`/activities/${encodeURIComponent(a.id)}`}>{a.subject}</a>
                {a.recurrence && <span class="badge activity-series">{t('activities.series')}</span>}
              </th>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label}>
                  {c.cell(a)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
