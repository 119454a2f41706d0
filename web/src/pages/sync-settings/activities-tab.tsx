// The Meetings and tasks tab (SPEC C1–C5, E1–E3, E5), laid out as in the seeds: import meetings
// from all or chosen calendars, import tasks from all or chosen task lists, export activities
// (all or chosen activity groups; "show in calendar" decides meeting or task), the start date,
// on Microsoft 365 the invitation setting, then conflicts and when to sync. Save sends only what
// changed, in the meetings and tasks blocks of the mailbox's settings.
import { useEffect, useId, useState } from 'preact/hooks';
import { ApiProblem, messageOf, post, put } from '../../api.ts';
import { fieldErrors } from '../../components/field.tsx';
import { useLeaveGuard } from '../../components/leave-guard.ts';
import { Notice } from '../../components/notice.tsx';
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
    const problems = activityProblems(draft, (p) => t(PROBLEM_TEXT[p]));
    setErrors(problems);
    if (Object.keys(problems).length > 0) {
      setOutcome({ kind: 'error', text: t('syncSettings.saved.needsCorrecting') });
      return;
    }
    const changes = activityChanges(draft, saved);
    if (Object.keys(changes).length === 0) {
      setOutcome({ kind: 'success', text: t('syncSettings.saved.nothing') });
      return;
    }
    setSaving(true);
    setOutcome(null);
    try {
      const answer = await put<SyncSettingsView>(
        `/api/v1/mailboxes/${encodeURIComponent(props.mailboxId)}/sync-settings`,
        changes,
      );
      const next = { meetings: answer.meetings, tasks: answer.tasks };
      setSaved(next);
      setDraft(toActivityDraft(next));
      setOutcome({ kind: 'success', text: savedText(next) });
    } catch (error) {
      setErrors(errorsOfAnswer(error));
      setOutcome({ kind: 'error', text: messageOf(error) });
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    setDraft(toActivityDraft(saved));
    setErrors({});
    setOutcome(null);
  };

  const errorId = (key: string) => (errors[key] ? `${id}-${key}-error` : undefined);

  return (
    <>
      <form class="sync-form" onSubmit={save} noValidate>
        <section class="card" aria-labelledby={`${id}-meetings`}>
          <h2 id={`${id}-meetings`}>{t('activitiesTab.meetings.heading')}</h2>
          <Check
            label={t('activitiesTab.meetings.on')}
            checked={draft.meetingsOn}
            hint={t('activitiesTab.meetings.hint')}
            onChange={(on) => change({ meetingsOn: on })}
          />
          <fieldset disabled={!draft.meetingsOn} class="options">
            <legend class="visually-hidden">{t('activitiesTab.meetings.which')}</legend>
            <Radio
              name={`${id}-calendars`}
              label={t('activitiesTab.meetings.all')}
              checked={draft.calendarsAll}
              onSelect={() => change({ calendarsAll: true })}
            />
            <Radio
              name={`${id}-calendars`}
              label={t('activitiesTab.meetings.chosen')}
              checked={!draft.calendarsAll}
              onSelect={() => change({ calendarsAll: false })}
            />
            {!draft.calendarsAll && (
              <FolderPicker
                mailboxId={props.mailboxId}
                address={props.address}
                kind="calendar"
                legendKey="activitiesTab.meetings.legend"
                noneKey="activitiesTab.meetings.none"
                chosen={draft.calendars}
                disabled={!draft.meetingsOn}
                error={errors.calendars}
                onChange={(calendars) => change({ calendars })}
              />
            )}
          </fieldset>
        </section>

        <section class="card" aria-labelledby={`${id}-tasks`}>
          <h2 id={`${id}-tasks`}>{t('activitiesTab.tasks.heading')}</h2>
          <Check
            label={t('activitiesTab.tasks.on')}
            checked={draft.tasksOn}
            hint={t(
              props.protocol === 'graph' ? 'activitiesTab.tasks.hintGraph' : 'activitiesTab.tasks.hintEws',
            )}
            onChange={(on) => change({ tasksOn: on })}
          />
          <fieldset disabled={!draft.tasksOn} class="options">
            <legend class="visually-hidden">{t('activitiesTab.tasks.which')}</legend>
            <Radio
              name={`${id}-lists`}
              label={t('activitiesTab.tasks.all')}
              checked={draft.listsAll}
              onSelect={() => change({ listsAll: true })}
            />
            <Radio
              name={`${id}-lists`}
              label={t('activitiesTab.tasks.chosen')}
              checked={!draft.listsAll}
              onSelect={() => change({ listsAll: false })}
            />
            {!draft.listsAll && (
              <FolderPicker
                mailboxId={props.mailboxId}
                address={props.address}
                kind="tasks"
                legendKey="activitiesTab.tasks.legend"
                noneKey="activitiesTab.tasks.none"
                chosen={draft.lists}
                disabled={!draft.tasksOn}
                error={errors.lists}
                onChange={(lists) => change({ lists })}
              />
            )}
          </fieldset>
        </section>

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

        <section class="card" aria-labelledby={`${id}-schedule`}>
          <h2 id={`${id}-schedule`}>{t('syncSettings.schedule.heading')}</h2>
          <Check
            label={t('activitiesTab.schedule.auto')}
            checked={draft.autoSync}
            hint={t('activitiesTab.schedule.autoHint')}
            onChange={(on) => change({ autoSync: on })}
          />
          <div class={errors.intervalMinutes ? 'field has-error' : 'field'}>
            <label for={`${id}-interval`}>{t('syncSettings.schedule.interval')}</label>
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
              aria-describedby={errorId('intervalMinutes')}
              onInput={(e) => change({ interval: e.currentTarget.value })}
            />
            <FieldError id={`${id}-intervalMinutes-error`} text={errors.intervalMinutes} />
          </div>
          <div class={errors.massDeleteShare ? 'field has-error' : 'field'}>
            <label for={`${id}-mass`}>{t('syncSettings.fields.massDelete')}</label>
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
              aria-describedby={[`${id}-mass-hint`, errorId('massDeleteShare')].filter(Boolean).join(' ')}
              onInput={(e) => change({ massDeletePercent: e.currentTarget.value })}
            />
            <small id={`${id}-mass-hint`} class="hint">
              {t('activitiesTab.schedule.massDeleteHint')}
            </small>
            <FieldError id={`${id}-massDeleteShare-error`} text={errors.massDeleteShare} />
          </div>
        </section>

        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <div class="form-actions save-bar">
          <button type="submit" class="primary" disabled={saving} aria-busy={saving}>
            {saving && <span class="spinner" aria-hidden="true" />}
            {saving ? t('common.saving') : t('common.save')}
          </button>
          <button type="button" class="secondary" disabled={!dirty || saving} onClick={discard}>
            {t('org.discard')}
          </button>
          {dirty && !saving && <span class="badge badge-warn">{t('common.unsaved')}</span>}
        </div>
        {outcome && (
          <Notice
            kind={outcome.kind}
            title={outcome.kind === 'error' ? t('syncSettings.contacts.notSaved') : undefined}
          >
            {outcome.text}
          </Notice>
        )}
      </form>
      <SyncNow mailboxId={props.mailboxId} saved={saved} dirty={dirty} />
    </>
  );
}
