// The Meetings and tasks tab (SPEC C1–C5, E1–E3, E5), laid out as in the seeds: import meetings
// from all or chosen calendars, import tasks from all or chosen task lists, export activities
// (all or chosen activity groups; "show in calendar" decides meeting or task), the start date,
// on Microsoft 365 the invitation setting, then conflicts and when to sync. Save sends only what
// changed, in the meetings and tasks blocks of the mailbox's settings.
import { useEffect, useId, useState } from 'preact/hooks';
import { ApiProblem, messageOf, post } from '../../api.ts';
import { fieldErrors } from '../../components/field.tsx';
import { useLeaveGuard } from '../../components/leave-guard.ts';
import { dateTime } from '../../components/time.ts';
import { t } from '../../i18n.ts';
import type { SyncRun, SyncSettingsView } from '../../types.ts';
import {
  type ActivityDraft,
  activityChanges,
  activityDirty,
  activityProblems,
  type DraftErrors,
  toActivityDraft,
} from './activities-draft.ts';
import { GroupChoice, useGroups } from './contacts-export-section.tsx';
import { FolderPicker } from './folder-picker.tsx';
import { Check, FieldError, Radio } from './form-controls.tsx';
import { errorIdOf, MassDeleteField, SaveBar, ScheduleCard } from './settings-fields.tsx';
import { saveSettings } from './settings-save.ts';

type Blocks = Pick<SyncSettingsView, 'meetings' | 'tasks'>;

const PROBLEM_TEXT = {
  calendars: 'activitiesTab.problem.calendars',
  lists: 'activitiesTab.problem.lists',
  groups: 'activitiesTab.problem.groups',
  date: 'activitiesTab.problem.date',
  interval: 'syncSettings.problem.interval',
  percent: 'syncSettings.problem.percent',
} as const;

/** The server's field errors by form field: "meetings.importFolders.0" → calendars. */
function errorsOfAnswer(error: unknown): DraftErrors {
  const out: DraftErrors = {};
  if (!(error instanceof ApiProblem)) return out;
  for (const [path, message] of Object.entries(fieldErrors(error.details))) {
    const [block, field = 'form'] = path.split('.');
    const key = field === 'importFolders' ? (block === 'tasks' ? 'lists' : 'calendars') : field || 'form';
    out[key] ??= message;
  }
  return out;
}

function savedText(s: Blocks): string {
  if (s.meetings.direction === 'off' && s.tasks.direction === 'off') return t('activitiesTab.saved.off');
  return s.meetings.autoSync
    ? t('activitiesTab.saved.auto', { minutes: s.meetings.intervalMinutes })
    : t('activitiesTab.saved.manual');
}

/** The import section of meetings (from all or chosen calendars) or of tasks (all or chosen lists). */
function ImportSection(props: {
  id: string;
  kind: 'meetings' | 'tasks';
  /** The name of the radio group, after the form's id. */
  group: string;
  folderKind: 'calendar' | 'tasks';
  mailboxId: string;
  address: string;
  hint: string;
  on: boolean;
  all: boolean;
  chosen: string[];
  error: string | undefined;
  onOn: (on: boolean) => void;
  onAll: (all: boolean) => void;
  onChosen: (chosen: string[]) => void;
}) {
  const { id, kind } = props;
  return (
    <section class="card" aria-labelledby={`${id}-${kind}`}>
      <h2 id={`${id}-${kind}`}>{t(`activitiesTab.${kind}.heading`)}</h2>
      <Check
        label={t(`activitiesTab.${kind}.on`)}
        checked={props.on}
        hint={props.hint}
        onChange={props.onOn}
      />
      <fieldset disabled={!props.on} class="options">
        <legend class="visually-hidden">{t(`activitiesTab.${kind}.which`)}</legend>
        <Radio
          name={`${id}-${props.group}`}
          label={t(`activitiesTab.${kind}.all`)}
          checked={props.all}
          onSelect={() => props.onAll(true)}
        />
        <Radio
          name={`${id}-${props.group}`}
          label={t(`activitiesTab.${kind}.chosen`)}
          checked={!props.all}
          onSelect={() => props.onAll(false)}
        />
        {!props.all && (
          <FolderPicker
            mailboxId={props.mailboxId}
            address={props.address}
            kind={props.folderKind}
            legendKey={`activitiesTab.${kind}.legend`}
            noneKey={`activitiesTab.${kind}.none`}
            chosen={props.chosen}
            disabled={!props.on}
            error={props.error}
            onChange={props.onChosen}
          />
        )}
      </fieldset>
    </section>
  );
}

/**
 * "Sync now" for meetings, then tasks, with the saved settings: each entity whose sync is on runs
 * in the foreground (`?wait=true`), and its counts are said in words.
 */
function SyncNow(props: { mailboxId: string; saved: Blocks; dirty: boolean }) {
  const [busy, setBusy] = useState(false);
  const [lines, setLines] = useState<Array<{ kind: 'success' | 'error'; text: string }>>([]);
  const entities = (['meetings', 'tasks'] as const).filter((e) => props.saved[e].direction !== 'off');
  const run = async () => {
    setBusy(true);
    setLines([]);
    const out: typeof lines = [];
    for (const entity of entities) {
      const name = t(
        entity === 'meetings' ? 'activitiesTab.meetings.heading' : 'activitiesTab.tasks.heading',
      );
      try {
        const answer = await post<{ run: SyncRun }>(
          `/api/v1/mailboxes/${encodeURIComponent(props.mailboxId)}/runs`,
          { entity },
          { wait: 'true' },
        );
        const { counts, status, errors } = answer.run;
        if (status === 'succeeded' || status === 'held')
          out.push({
            kind: 'success',
            text: t('activitiesTab.syncNow.result', {
              entity: name,
              imported: counts.import.created + counts.import.updated,
              exported: counts.export.created + counts.export.updated,
            }),
          });
        else
          out.push({
            kind: 'error',
            text: t('activitiesTab.syncNow.failed', { entity: name, message: errors[0]?.message ?? status }),
          });
      } catch (error) {
        out.push({
          kind: 'error',
          text: t('activitiesTab.syncNow.failed', { entity: name, message: messageOf(error) }),
        });
      }
      setLines([...out]);
    }
    setBusy(false);
  };
  return (
    <section class="card" aria-labelledby="activities-sync-now">
      <h2 id="activities-sync-now">{t('activitiesTab.syncNow.heading')}</h2>
      {entities.length === 0 ? (
        <p class="muted">{t('activitiesTab.syncNow.off')}</p>
      ) : (
        <>
          <button
            type="button"
            class="secondary"
            disabled={busy || props.dirty}
            aria-busy={busy}
            aria-describedby={props.dirty ? 'activities-sync-now-hint' : undefined}
            onClick={() => void run()}
          >
            {busy && <span class="spinner" aria-hidden="true" />}
            {busy ? t('activitiesTab.syncNow.busy') : t('activitiesTab.syncNow.button')}
          </button>
          {props.dirty && (
            <small id="activities-sync-now-hint" class="hint muted">
              {t('activitiesTab.syncNow.saveFirst')}
            </small>
          )}
        </>
      )}
      <div role="status">
        {lines.map((line) => (
          <p key={line.text} class={line.kind === 'error' ? 'field-error' : undefined}>
            {line.text}
          </p>
        ))}
      </div>
    </section>
  );
}

export function ActivitiesTab(props: {
  mailboxId: string;
  address: string;
  protocol: 'ews' | 'graph' | null;
  settings: Blocks;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const [saved, setSaved] = useState<Blocks>(props.settings);
  const [draft, setDraft] = useState<ActivityDraft>(() => toActivityDraft(props.settings));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const id = useId();
  const groups = useGroups('/api/v1/activityGroups');
  const dirty = activityDirty(draft, saved);
  useLeaveGuard(dirty, t('syncSettings.leave'));
  const { onDirtyChange } = props;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const change = (patch: Partial<ActivityDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(patch)) {
        delete next[key];
        if (key === 'calendarsAll') delete next.calendars;
        if (key === 'listsAll') delete next.lists;
        if (key === 'groupIds' || key === 'exportAll' || key === 'exportOn') delete next.export;
        if (key === 'interval') delete next.intervalMinutes;
        if (key === 'massDeletePercent') delete next.massDeleteShare;
      }
      return next;
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (saving) return;
    await saveSettings({
      mailboxId: props.mailboxId,
      problems: activityProblems(draft, (p) => t(PROBLEM_TEXT[p])),
      changes: () => activityChanges(draft, saved),
      body: (changes) => changes,
      setErrors,
      setOutcome,
      setSaving,
      errorsOfAnswer,
      saved: (answer) => {
        const next = { meetings: answer.meetings, tasks: answer.tasks };
        setSaved(next);
        setDraft(toActivityDraft(next));
        return savedText(next);
      },
    });
  };

  const discard = () => {
    setDraft(toActivityDraft(saved));
    setErrors({});
    setOutcome(null);
  };

  const errorId = (key: string) => errorIdOf(id, errors, key);

  return (
    <>
      <form class="sync-form" onSubmit={save} noValidate>
        <ImportSection
          id={id}
          kind="meetings"
          group="calendars"
          folderKind="calendar"
          mailboxId={props.mailboxId}
          address={props.address}
          hint={t('activitiesTab.meetings.hint')}
          on={draft.meetingsOn}
          all={draft.calendarsAll}
          chosen={draft.calendars}
          error={errors.calendars}
          onOn={(on) => change({ meetingsOn: on })}
          onAll={(all) => change({ calendarsAll: all })}
          onChosen={(calendars) => change({ calendars })}
        />

        <ImportSection
          id={id}
          kind="tasks"
          group="lists"
          folderKind="tasks"
          mailboxId={props.mailboxId}
          address={props.address}
          hint={t(
            props.protocol === 'graph' ? 'activitiesTab.tasks.hintGraph' : 'activitiesTab.tasks.hintEws',
          )}
          on={draft.tasksOn}
          all={draft.listsAll}
          chosen={draft.lists}
          error={errors.lists}
          onOn={(on) => change({ tasksOn: on })}
          onAll={(all) => change({ listsAll: all })}
          onChosen={(lists) => change({ lists })}
        />

        <section class="card" aria-labelledby={`${id}-export`}>
          <h2 id={`${id}-export`}>{t('syncSettings.export.heading')}</h2>
          <Check
            label={t('activitiesTab.export.on')}
            checked={draft.exportOn}
            hint={t('activitiesTab.export.hint')}
            onChange={(on) => change({ exportOn: on })}
          />
          <fieldset disabled={!draft.exportOn} class="options">
            <legend class="visually-hidden">{t('activitiesTab.export.which')}</legend>
            <Radio
              name={`${id}-export-what`}
              label={t('activitiesTab.export.all')}
              checked={draft.exportAll}
              onSelect={() => change({ exportAll: true })}
            />
            <Radio
              name={`${id}-export-what`}
              label={t('activitiesTab.export.chosen')}
              checked={!draft.exportAll}
              onSelect={() => change({ exportAll: false })}
            />
            {!draft.exportAll && (
              <div class="export-filter" aria-describedby={errorId('export')}>
                <GroupChoice
                  groups={groups}
                  chosen={draft.groupIds}
                  onChange={(groupIds) => change({ groupIds })}
                  texts={{
                    failed: 'activitiesTab.export.groupsFailed',
                    loading: 'activitiesTab.export.groupsLoading',
                    none: 'activitiesTab.export.noGroups',
                  }}
                />
                <FieldError id={`${id}-export-error`} text={errors.export} />
              </div>
            )}
          </fieldset>
        </section>

        <section class="card" aria-labelledby={`${id}-from`}>
          <h2 id={`${id}-from`}>{t('activitiesTab.from.heading')}</h2>
          <div class={errors.importFrom ? 'field has-error' : 'field'}>
            <label for={`${id}-from-date`}>{t('activitiesTab.from.label')}</label>
            <input
              id={`${id}-from-date`}
              type="date"
              value={draft.importFrom}
              aria-invalid={errors.importFrom ? true : undefined}
              aria-describedby={[`${id}-from-hint`, errorId('importFrom')].filter(Boolean).join(' ')}
              onInput={(e) => change({ importFrom: e.currentTarget.value })}
            />
            <small id={`${id}-from-hint`} class="hint">
              {t(draft.importFrom === '' ? 'activitiesTab.from.none' : 'activitiesTab.from.hint')}
            </small>
            <FieldError id={`${id}-importFrom-error`} text={errors.importFrom} />
          </div>
        </section>

        {props.protocol === 'graph' && (
          <section class="card" aria-labelledby={`${id}-invitations`}>
            <h2 id={`${id}-invitations`}>{t('activitiesTab.invitations.heading')}</h2>
            <Check
              label={t('activitiesTab.invitations.on')}
              checked={draft.sendInvitations}
              hint={t('activitiesTab.invitations.hint')}
              onChange={(on) => change({ sendInvitations: on })}
            />
            <p class="muted small-print">{t('activitiesTab.invitations.why')}</p>
            {saved.meetings.sendInvitations && saved.meetings.sendInvitationsSince && (
              <p class="muted small-print">
                {t('activitiesTab.invitations.since', {
                  when: dateTime(saved.meetings.sendInvitationsSince),
                })}
              </p>
            )}
          </section>
        )}

        <section class="card" aria-labelledby={`${id}-conflicts`}>
          <h2 id={`${id}-conflicts`}>{t('syncSettings.conflicts.heading')}</h2>
          {(
            [
              ['meetingsPolicy', 'activitiesTab.conflicts.meetings'],
              ['tasksPolicy', 'activitiesTab.conflicts.tasks'],
            ] as const
          ).map(([key, legend]) => (
            <fieldset class="plain" key={key}>
              <legend>{t(legend)}</legend>
              <Radio
                name={`${id}-${key}`}
                label={t('syncSettings.conflicts.crmWins')}
                checked={draft[key] === 'crm_wins'}
                onSelect={() => change({ [key]: 'crm_wins' })}
              />
              <Radio
                name={`${id}-${key}`}
                label={t('syncSettings.conflicts.exchangeWins')}
                checked={draft[key] === 'exchange_wins'}
                onSelect={() => change({ [key]: 'exchange_wins' })}
              />
            </fieldset>
          ))}
          <Check
            label={t('syncSettings.conflicts.merge')}
            checked={draft.fieldMerge}
            hint={t('syncSettings.conflicts.mergeHint')}
            onChange={(on) => change({ fieldMerge: on })}
          />
          <small class="muted">{t('syncSettings.conflicts.twoWayOnly')}</small>
        </section>

        <ScheduleCard
          id={id}
          errors={errors}
          autoSync={draft.autoSync}
          interval={draft.interval}
          autoLabel={t('activitiesTab.schedule.auto')}
          autoHint={t('activitiesTab.schedule.autoHint')}
          onAutoSync={(on) => change({ autoSync: on })}
          onInterval={(value) => change({ interval: value })}
        >
          <MassDeleteField
            id={id}
            errors={errors}
            value={draft.massDeletePercent}
            hint={t('activitiesTab.schedule.massDeleteHint')}
            onInput={(value) => change({ massDeletePercent: value })}
          />
        </ScheduleCard>

        <SaveBar errors={errors} saving={saving} dirty={dirty} outcome={outcome} onDiscard={discard} />
      </form>
      <SyncNow mailboxId={props.mailboxId} saved={saved} dirty={dirty} />
    </>
  );
}
