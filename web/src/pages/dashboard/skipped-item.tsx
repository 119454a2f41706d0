// A value a run left out, named as people know it: the record's name (a contact's, or the
// subject of a meeting's or task's activity) linked to its page and the field, with the reason.
// Runs from before records were named show their reference.
import { get } from '../../api.ts';
import { useLoad } from '../../components/load.tsx';
import { hasMessage, t } from '../../i18n.ts';
import type { SyncRun } from '../../types.ts';

type Skipped = SyncRun['skipped'][number];

/** Where a run's records live: contacts for contacts, activities for meetings and tasks. */
const KINDS = {
  contacts: {
    path: 'contacts',
    name: (r: { displayName?: string }) => r.displayName,
    fields: 'contacts.field.',
  },
  activities: {
    path: 'activities',
    name: (r: { subject?: string }) => r.subject,
    fields: 'activities.field.',
  },
} as const;
type Kind = keyof typeof KINDS;

const kindOf = (entity: string): Kind => (entity === 'contacts' ? 'contacts' : 'activities');

// Names read so far: a run lists many values of few records, so each is read once.
const names = new Map<string, Promise<string | null>>();

function recordName(kind: Kind, id: string): Promise<string | null> {
  const key = `${kind}/${id}`;
  let name = names.get(key);
  if (!name) {
    name = get<{ displayName?: string; subject?: string }>(
      `/api/v1/${KINDS[kind].path}/${encodeURIComponent(id)}`,
    ).then(
      (r) => KINDS[kind].name(r) ?? null,
      () => null,
    );
    names.set(key, name);
  }
  return name;
}

export function SkippedItem(props: { item: Skipped; entity: string }) {
  const { item } = props;
  const kind = kindOf(props.entity);
  const [name] = useLoad(
    async () => (item.recordId ? recordName(kind, item.recordId) : null),
    [kind, item.recordId],
  );
  if (!item.recordId) {
    return (
      <>
        <code>{item.ref}</code>: {item.reason}
      </>
    );
  }
  const fieldKey = `${KINDS[kind].fields}${item.field}`;
  const field = item.field && hasMessage(fieldKey) ? t(fieldKey) : item.field;
  return (
    <>
      <a href={`/${KINDS[kind].path}/${encodeURIComponent(item.recordId)}`}>
        {name.data ?? (kind === 'contacts' ? t('run.skippedContact') : t('run.skippedActivity'))}
      </a>
      {field ? ` (${field})` : ''}: {item.reason}
    </>
  );
}
