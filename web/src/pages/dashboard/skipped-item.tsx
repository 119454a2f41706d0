// A value a run left out, named as people know it: the contact's name linked to its record and
// the field, with the reason. Runs from before records were named show their reference.
import { get } from '../../api.ts';
import { useLoad } from '../../components/load.tsx';
import { hasMessage, t } from '../../i18n.ts';
import type { SyncRun } from '../../types.ts';

type Skipped = SyncRun['skipped'][number];

// Contact names read so far: a run lists many values of few contacts, so each is read once.
const names = new Map<string, Promise<string | null>>();

function contactName(id: string): Promise<string | null> {
  let name = names.get(id);
  if (!name) {
    name = get<{ displayName: string }>(`/api/v1/contacts/${encodeURIComponent(id)}`).then(
      (c) => c.displayName,
      () => null,
    );
    names.set(id, name);
  }
  return name;
}

export function SkippedItem(props: { item: Skipped }) {
  const { item } = props;
  const [name] = useLoad(async () => (item.recordId ? contactName(item.recordId) : null), [item.recordId]);
  if (!item.recordId) {
    return (
      <>
        <code>{item.ref}</code>: {item.reason}
      </>
    );
  }
  const fieldKey = `contacts.field.${item.field}`;
  const field = item.field && hasMessage(fieldKey) ? t(fieldKey) : item.field;
  return (
    <>
      <a href={`/contacts/${encodeURIComponent(item.recordId)}`}>{name.data ?? t('run.skippedContact')}</a>
      {field ? ` (${field})` : ''}: {item.reason}
    </>
  );
}
