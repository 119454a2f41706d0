// The Contacts tab's Export section: on or off, all contacts or those of chosen categories and
// contact groups. The groups are loaded when the tab opens.
import { useEffect, useState } from 'preact/hooks';
import { get, messageOf, type Page } from '../../api.ts';
import { Notice } from '../../components/notice.tsx';
import { type MessageKey, t } from '../../i18n.ts';
import type { Group } from '../../types.ts';
import { Check, FieldError, Radio } from './form-controls.tsx';
import { errorIdOf, type SectionProps } from './use-contacts-form.ts';

/** Every contact (or activity) group the signed-in user can see, page by page. */
async function loadGroups(signal: AbortSignal, path: string): Promise<Group[]> {
  const groups: Group[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Group> = await get<Page<Group>>(path, { limit: 500, cursor }, signal);
    groups.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return groups.sort((a, b) => a.name.localeCompare(b.name));
}

export function useGroups(path = '/api/v1/contactGroups'): { items?: Group[]; error?: string } {
  const [groups, setGroups] = useState<{ items?: Group[]; error?: string }>({});
  useEffect(() => {
    const abort = new AbortController();
    loadGroups(abort.signal, path)
      .then((items) => setGroups({ items }))
      .catch((error) => {
        if (!abort.signal.aborted) setGroups({ error: messageOf(error) });
      });
    return () => abort.abort();
  }, [path]);
  return groups;
}

const CATEGORIES: ReadonlyArray<readonly ['employee' | 'customer', MessageKey]> = [
  ['employee', 'syncSettings.export.employees'],
  ['customer', 'syncSettings.export.customers'],
];

export function ExportSection(props: SectionProps) {
  const { id, draft, errors, change } = props;
  const groups = useGroups();
  return (
    <section class="card" aria-labelledby={`${id}-export`}>
      <h2 id={`${id}-export`}>{t('syncSettings.export.heading')}</h2>
      <Check
        label={t('syncSettings.export.on')}
        checked={draft.exportOn}
        hint={t('syncSettings.export.hint')}
        onChange={(on) => change({ exportOn: on })}
      />
      <fieldset disabled={!draft.exportOn} class="options">
        <legend class="visually-hidden">{t('syncSettings.export.which')}</legend>
        <Radio
          name={`${id}-export-what`}
          label={t('syncSettings.export.all')}
          checked={draft.exportAll}
          onSelect={() => change({ exportAll: true })}
        />
        <Radio
          name={`${id}-export-what`}
          label={t('syncSettings.export.chosen')}
          checked={!draft.exportAll}
          onSelect={() => change({ exportAll: false })}
        />
        {!draft.exportAll && (
          <div class="export-filter" aria-describedby={errorIdOf(id, errors, 'export')}>
            <fieldset>
              <legend>{t('syncSettings.export.categories')}</legend>
              {CATEGORIES.map(([type, label]) => (
                <Check
                  key={type}
                  label={t(label)}
                  checked={draft.types.includes(type)}
                  onChange={(on) =>
                    change({ types: on ? [...draft.types, type] : draft.types.filter((x) => x !== type) })
                  }
                />
              ))}
            </fieldset>
            <GroupChoice
              groups={groups}
              chosen={draft.groupIds}
              onChange={(groupIds) => change({ groupIds })}
            />
            {draft.types.length === 0 && draft.groupIds.length === 0 && (
              <p class="muted small-print">{t('syncSettings.export.nothingChosen')}</p>
            )}
            <FieldError id={`${id}-export-error`} text={errors.export} />
          </div>
        )}
        <p class="muted small-print">{t('syncSettings.export.taggedAlways')}</p>
      </fieldset>
    </section>
  );
}

/** The groups to export; chosen groups the user cannot see (or deleted) can be removed. */
export function GroupChoice(props: {
  groups: { items?: Group[]; error?: string };
  chosen: string[];
  onChange: (groupIds: string[]) => void;
  /** Texts for activity groups; contact groups' when absent. */
  texts?: { failed: MessageKey; loading: MessageKey; none: MessageKey };
}) {
  const { groups, chosen, onChange } = props;
  const unseen = groups.items ? chosen.filter((gid) => !groups.items?.some((g) => g.id === gid)) : [];
  return (
    <fieldset>
      <legend>{t('syncSettings.export.groups')}</legend>
      {groups.error && (
        <Notice kind="error" title={t(props.texts?.failed ?? 'syncSettings.export.groupsFailed')}>
          {groups.error}
        </Notice>
      )}
      {!groups.items && !groups.error && (
        <p class="muted" role="status">
          <span class="spinner" aria-hidden="true" />{' '}
          {t(props.texts?.loading ?? 'syncSettings.export.groupsLoading')}
        </p>
      )}
      {groups.items?.length === 0 && (
        <p class="muted">{t(props.texts?.none ?? 'syncSettings.export.noGroups')}</p>
      )}
      {groups.items && groups.items.length > 0 && (
        <div class="group-list">
          {groups.items.map((g) => (
            <Check
              key={g.id}
              label={g.name}
              checked={chosen.includes(g.id)}
              onChange={(on) => onChange(on ? [...chosen, g.id] : chosen.filter((x) => x !== g.id))}
            />
          ))}
        </div>
      )}
      {unseen.length > 0 && (
        <p class="muted small-print">
          {t('syncSettings.export.unseen', { count: unseen.length })}{' '}
          <button
            type="button"
            class="link"
            onClick={() => onChange(chosen.filter((gid) => groups.items?.some((g) => g.id === gid)))}
          >
            {t('syncSettings.export.removeUnseen')}
          </button>
        </p>
      )}
    </fieldset>
  );
}
