// The Contacts tab (SPEC B1, B3, B4, E1–E3, E5), laid out as in the seeds: import with all or
// chosen folders, export with all contacts or chosen categories and groups, then conflicts,
// notes, phone numbers, the mass-delete guard and automatic sync. Save sends only what changed.
import { useEffect, useId, useState } from 'preact/hooks';
import { ApiProblem, get, messageOf, type Page, put } from '../../api.ts';
import { fieldErrors } from '../../components/field.tsx';
import { useLeaveGuard } from '../../components/leave-guard.ts';
import { Notice } from '../../components/notice.tsx';
import type { ContactSyncSettings, Group, SyncSettingsView } from '../../types.ts';
import {
  type ContactDraft,
  changedFields,
  DIRECTION_TEXT,
  type DraftErrors,
  directionOf,
  draftProblems,
  isDirty,
  toDraft,
} from './contacts-draft.ts';
import { countries } from './countries.ts';
import { FolderPicker } from './folder-picker.tsx';

/** Every contact group the signed-in user can see, page by page. */
async function loadGroups(signal: AbortSignal): Promise<Group[]> {
  const groups: Group[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Group> = await get<Page<Group>>('/api/v1/contactGroups', { limit: 500, cursor }, signal);
    groups.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return groups.sort((a, b) => a.name.localeCompare(b.name));
}

type Outcome = { kind: 'success' | 'error'; text: string } | null;

function Check(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  hint?: string;
  onChange: (on: boolean) => void;
}) {
  const hintId = useId();
  return (
    <div class="check-block">
      <label class="check">
        <input
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          aria-describedby={props.hint ? hintId : undefined}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
        />
        {props.label}
      </label>
      {props.hint && (
        <small id={hintId} class="hint muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

function Radio(props: {
  name: string;
  label: string;
  checked: boolean;
  disabled?: boolean;
  onSelect: () => void;
}) {
  return (
    <label class="check">
      <input
        type="radio"
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => e.currentTarget.checked && props.onSelect()}
      />
      {props.label}
    </label>
  );
}

function FieldError(props: { id: string; text?: string }) {
  return props.text ? (
    <small id={props.id} class="field-error">
      {props.text}
    </small>
  ) : null;
}

export function ContactsTab(props: {
  mailboxId: string;
  address: string;
  settings: ContactSyncSettings;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const [saved, setSaved] = useState(props.settings);
  const [draft, setDraft] = useState<ContactDraft>(() => toDraft(props.settings));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [groups, setGroups] = useState<{ items?: Group[]; error?: string }>({});
  const id = useId();

  const dirty = isDirty(draft, saved);
  useLeaveGuard(dirty, 'The contact sync settings have unsaved changes. Leave without saving?');
  useEffect(() => props.onDirtyChange(dirty), [dirty, props.onDirtyChange]);

  useEffect(() => {
    const abort = new AbortController();
    loadGroups(abort.signal)
      .then((items) => setGroups({ items }))
      .catch((error) => {
        if (!abort.signal.aborted) setGroups({ error: messageOf(error) });
      });
    return () => abort.abort();
  }, []);

  const change = (patch: Partial<ContactDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(patch)) {
        const field = {
          interval: 'intervalMinutes',
          massDeletePercent: 'massDeleteShare',
          folders: 'importFolders',
          importAll: 'importFolders',
          types: 'export',
          groupIds: 'export',
          exportAll: 'export',
        }[key];
        delete next[field ?? key];
      }
      return next;
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (saving) return;
    const problems = draftProblems(draft);
    setErrors(problems);
    if (Object.keys(problems).length > 0) {
      setOutcome({ kind: 'error', text: 'Some settings need correcting; they are marked below.' });
      return;
    }
    const changes = changedFields(draft, saved);
    if (Object.keys(changes).length === 0) {
      setOutcome({ kind: 'success', text: 'Nothing changed: the settings are as saved.' });
      return;
    }
    setSaving(true);
    setOutcome(null);
    try {
      const answer = await put<SyncSettingsView>(
        `/api/v1/mailboxes/${encodeURIComponent(props.mailboxId)}/sync-settings`,
        { contacts: changes },
      );
      setSaved(answer.contacts);
      setDraft(toDraft(answer.contacts));
      const c = answer.contacts;
      setOutcome({
        kind: 'success',
        text:
          c.direction === 'off'
            ? 'Saved. Contact sync is off for this mailbox.'
            : c.autoSync
              ? `Saved. Contacts sync automatically every ${c.intervalMinutes} minutes.`
              : 'Saved. Contacts sync when someone runs “Sync now”.',
      });
    } catch (error) {
      const byField: DraftErrors = {};
      if (error instanceof ApiProblem) {
        for (const [path, message] of Object.entries(fieldErrors(error.details))) {
          // "contacts.importFolders.0" → importFolders
          const field = path.replace(/^contacts\.?/, '').split('.')[0] || 'form';
          byField[field] ??= message;
        }
      }
      setErrors(byField);
      setOutcome({ kind: 'error', text: messageOf(error) });
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    setDraft(toDraft(saved));
    setErrors({});
    setOutcome(null);
  };

  const direction = directionOf(draft);
  const describe = (key: string) => (errors[key] ? `${id}-${key}-error` : undefined);
  const countryList = countries();

  return (
    <form class="sync-form" onSubmit={save} noValidate aria-describedby={`${id}-direction`}>
      <p id={`${id}-direction`} class="direction-line" aria-live="polite">
        <strong>Direction:</strong> {DIRECTION_TEXT[direction]}
      </p>

      <section class="card" aria-labelledby={`${id}-import`}>
        <h2 id={`${id}-import`}>Import</h2>
        <Check
          label="Import contacts"
          checked={draft.importOn}
          hint="Contacts from Exchange are created and updated in Exsync. Company names are matched to accounts."
          onChange={(on) => change({ importOn: on })}
        />
        <fieldset disabled={!draft.importOn} class="options">
          <legend class="visually-hidden">Which contacts to import</legend>
          <Radio
            name={`${id}-import-from`}
            label="All contact folders"
            checked={draft.importAll}
            onSelect={() => change({ importAll: true })}
          />
          <Radio
            name={`${id}-import-from`}
            label="Contacts from selected folders"
            checked={!draft.importAll}
            onSelect={() => change({ importAll: false })}
          />
          {!draft.importAll && (
            <FolderPicker
              mailboxId={props.mailboxId}
              address={props.address}
              chosen={draft.folders}
              disabled={!draft.importOn}
              error={errors.importFolders}
              onChange={(folders) => change({ folders })}
            />
          )}
          {!draft.importAll && draft.exportOn && (
            <p class="muted small-print">
              In two-way sync the folder exported contacts go to (the default Contacts folder) is read as
              well, so that edits to them come back.
            </p>
          )}
        </fieldset>
      </section>

      <section class="card" aria-labelledby={`${id}-export`}>
        <h2 id={`${id}-export`}>Export</h2>
        <Check
          label="Export contacts"
          checked={draft.exportOn}
          hint="Contacts from Exsync are written to the mailbox’s Contacts folder."
          onChange={(on) => change({ exportOn: on })}
        />
        <fieldset disabled={!draft.exportOn} class="options">
          <legend class="visually-hidden">Which contacts to export</legend>
          <Radio
            name={`${id}-export-what`}
            label="All contacts you have access to"
            checked={draft.exportAll}
            onSelect={() => change({ exportAll: true })}
          />
          <Radio
            name={`${id}-export-what`}
            label="Contacts from selected categories and groups"
            checked={!draft.exportAll}
            onSelect={() => change({ exportAll: false })}
          />
          {!draft.exportAll && (
            <div class="export-filter" aria-describedby={describe('export')}>
              <fieldset>
                <legend>Categories</legend>
                {(
                  [
                    ['employee', 'Employees'],
                    ['customer', 'Customers'],
                  ] as const
                ).map(([type, label]) => (
                  <Check
                    key={type}
                    label={label}
                    checked={draft.types.includes(type)}
                    onChange={(on) =>
                      change({ types: on ? [...draft.types, type] : draft.types.filter((t) => t !== type) })
                    }
                  />
                ))}
              </fieldset>
              <fieldset>
                <legend>Groups</legend>
                {groups.error && (
                  <Notice kind="error" title="Could not load the contact groups">
                    {groups.error}
                  </Notice>
                )}
                {!groups.items && !groups.error && (
                  <p class="muted" role="status">
                    <span class="spinner" aria-hidden="true" /> Loading contact groups…
                  </p>
                )}
                {groups.items?.length === 0 && (
                  <p class="muted">There are no contact groups yet; categories alone decide.</p>
                )}
                {groups.items && groups.items.length > 0 && (
                  <div class="group-list">
                    {groups.items.map((g) => (
                      <Check
                        key={g.id}
                        label={g.name}
                        checked={draft.groupIds.includes(g.id)}
                        onChange={(on) =>
                          change({
                            groupIds: on
                              ? [...draft.groupIds, g.id]
                              : draft.groupIds.filter((x) => x !== g.id),
                          })
                        }
                      />
                    ))}
                  </div>
                )}
                {groups.items && draft.groupIds.some((gid) => !groups.items?.some((g) => g.id === gid)) && (
                  <p class="muted small-print">
                    Also chosen: groups you cannot see or that were deleted (
                    {draft.groupIds.filter((gid) => !groups.items?.some((g) => g.id === gid)).length}).{' '}
                    <button
                      type="button"
                      class="link"
                      onClick={() =>
                        change({
                          groupIds: draft.groupIds.filter((gid) => groups.items?.some((g) => g.id === gid)),
                        })
                      }
                    >
                      Remove them
                    </button>
                  </p>
                )}
              </fieldset>
              {draft.types.length === 0 && draft.groupIds.length === 0 && (
                <p class="muted small-print">
                  With no category and no group, only contacts tagged “sync with this mailbox” are exported.
                </p>
              )}
              <FieldError id={`${id}-export-error`} text={errors.export} />
            </div>
          )}
          <p class="muted small-print">
            Contacts tagged “sync with this mailbox” are exported whatever is chosen here.
          </p>
        </fieldset>
      </section>

      <section class="card" aria-labelledby={`${id}-conflicts`}>
        <h2 id={`${id}-conflicts`}>Conflicts</h2>
        <fieldset class="plain" aria-describedby={`${id}-conflicts-hint`}>
          <legend>When a contact changed on both sides since the last sync</legend>
          <Radio
            name={`${id}-policy`}
            label="CRM wins"
            checked={draft.conflictPolicy === 'crm_wins'}
            onSelect={() => change({ conflictPolicy: 'crm_wins' })}
          />
          <Radio
            name={`${id}-policy`}
            label="Exchange wins"
            checked={draft.conflictPolicy === 'exchange_wins'}
            onSelect={() => change({ conflictPolicy: 'exchange_wins' })}
          />
          <Check
            label="Merge fields: keep both sides’ edits when they touch different fields"
            checked={draft.fieldMerge}
            hint="The winner above then decides only the fields edited on both sides. Every conflict is logged with both versions."
            onChange={(on) => change({ fieldMerge: on })}
          />
          <small id={`${id}-conflicts-hint`} class="muted">
            Conflicts happen in two-way sync only.
          </small>
        </fieldset>
      </section>

      <section class="card" aria-labelledby={`${id}-fields`}>
        <h2 id={`${id}-fields`}>Fields</h2>
        <Check
          label="Sync notes"
          checked={draft.syncNotes}
          hint="Turn off to keep contact notes out of Exchange (and Exchange’s notes out of Exsync)."
          onChange={(on) => change({ syncNotes: on })}
        />
        <div class={errors.defaultCountry ? 'field has-error' : 'field'}>
          <label for={`${id}-country`}>Default phone country</label>
          <select
            id={`${id}-country`}
            value={draft.defaultCountry}
            aria-describedby={[`${id}-country-hint`, describe('defaultCountry')].filter(Boolean).join(' ')}
            onChange={(e) => change({ defaultCountry: e.currentTarget.value })}
          >
            <option value="">The organisation’s country</option>
            {draft.defaultCountry !== '' && !countryList.some((c) => c.code === draft.defaultCountry) && (
              <option value={draft.defaultCountry}>{draft.defaultCountry}</option>
            )}
            {countryList.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
          <small id={`${id}-country-hint`} class="hint">
            Phone numbers written without a country code are read as numbers of the country on the contact’s
            address, and when it names none, of this country; they go to Exchange in international form (+49
            …). A number whose country cannot be told goes as entered and is listed on the contact.
          </small>
          <FieldError id={`${id}-defaultCountry-error`} text={errors.defaultCountry} />
        </div>
        <div class={errors.massDeleteShare ? 'field has-error' : 'field'}>
          <label for={`${id}-mass`}>Hold a run that would delete more than (%)</label>
          <input
            id={`${id}-mass`}
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="any"
            class="short"
            value={draft.massDeletePercent}
            aria-invalid={errors.massDeleteShare ? true : undefined}
            aria-describedby={[`${id}-mass-hint`, describe('massDeleteShare')].filter(Boolean).join(' ')}
            onInput={(e) => change({ massDeletePercent: e.currentTarget.value })}
          />
          <small id={`${id}-mass-hint`} class="hint">
            Of the contacts synced with this mailbox. An administrator then confirms or cancels the deletes on
            the dashboard.
          </small>
          <FieldError id={`${id}-massDeleteShare-error`} text={errors.massDeleteShare} />
        </div>
      </section>

      <section class="card" aria-labelledby={`${id}-schedule`}>
        <h2 id={`${id}-schedule`}>When to sync</h2>
        <Check
          label="Sync contacts automatically"
          checked={draft.autoSync}
          hint="Without it, contacts sync when someone presses “Sync now”."
          onChange={(on) => change({ autoSync: on })}
        />
        <div class={errors.intervalMinutes ? 'field has-error' : 'field'}>
          <label for={`${id}-interval`}>Every (minutes)</label>
          <input
            id={`${id}-interval`}
            type="number"
            inputMode="numeric"
            min={1}
            max={1440}
            step={1}
            class="short"
            disabled={!draft.autoSync}
            value={draft.interval}
            aria-invalid={errors.intervalMinutes ? true : undefined}
            aria-describedby={describe('intervalMinutes')}
            onInput={(e) => change({ interval: e.currentTarget.value })}
          />
          <FieldError id={`${id}-intervalMinutes-error`} text={errors.intervalMinutes} />
        </div>
      </section>

      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <div class="form-actions save-bar">
        <button type="submit" class="primary" disabled={saving} aria-busy={saving}>
          {saving && <span class="spinner" aria-hidden="true" />}
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" class="secondary" disabled={!dirty || saving} onClick={discard}>
          Discard changes
        </button>
        {dirty && !saving && <span class="badge badge-warn">Unsaved changes</span>}
      </div>
      {outcome && (
        <Notice kind={outcome.kind} title={outcome.kind === 'error' ? 'Not saved' : undefined}>
          {outcome.text}
        </Notice>
      )}
    </form>
  );
}
