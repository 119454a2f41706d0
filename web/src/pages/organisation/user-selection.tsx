// Choosing whose mailboxes an organisation-mode service syncs, and each one's status. Inactive
// users cannot be chosen; one chosen before being deactivated stays in the server's selection
// but is not synced, and saving a new selection leaves them out (the server accepts only active
// users). Saving tests each newly chosen user's mailbox, which can take a while.
import { useMemo, useState } from 'preact/hooks';
import { get, messageOf, put } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { ago } from '../../components/time.ts';
import { formatList, t } from '../../i18n.ts';
import type { MailService, OrganisationUsers, SyncRun } from '../../types.ts';

type OrgUser = OrganisationUsers['users'][number];

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** The active users the server has selected: what the checkboxes start from. */
function chosenOf(users: OrgUser[]): Set<string> {
  return new Set(users.filter((u) => u.selected && u.active).map((u) => u.userId));
}

function Status(props: { user: OrgUser; chosen: boolean; reasonId: string }) {
  const { user, chosen } = props;
  if (!user.active)
    return (
      <span id={props.reasonId}>
        <span class="badge">{t('org.inactive')}</span> {t('org.inactiveText')}
        {user.selected && <> {t('org.inactiveChosen')}</>}
      </span>
    );
  if (chosen && !user.selected) return <span class="muted">{t('org.syncedAfterSaving')}</span>;
  if (!chosen && user.selected) return <span class="muted">{t('org.stopsAfterSaving')}</span>;
  if (!chosen) return <span class="muted">{t('org.notChosen')}</span>;
  if (user.synced)
    return (
      <span>
        {user.mailboxId ? (
          <LastSync mailboxId={user.mailboxId} />
        ) : (
          <span class="badge badge-ok">{t('org.connected')}</span>
        )}{' '}
        {user.mailboxId && (
          <a
            href={`/settings/mailboxes/${encodeURIComponent(user.mailboxId)}/sync`}
            aria-label={t('org.syncSettingsOf', { name: user.displayName || user.email })}
          >
            {t('dashboard.syncSettings')}
          </a>
        )}
      </span>
    );
  const label = t('org.mailboxStatus', { status: user.mailboxStatus ?? 'none' });
  return (
    <span>
      <span class={user.mailboxStatus === 'pending' ? 'badge badge-warn' : 'badge badge-error'}>{label}</span>{' '}
      {user.lastError ?? t('org.saveAgain')}
    </span>
  );
}

/**
 * What a connected user's mailbox has really done: synced (when its last run ended), or connected
 * and waiting for its first sync; the same truth the mailbox list tells.
 */
function LastSync(props: { mailboxId: string }) {
  const [last] = useLoad(
    (signal) =>
      get<{ items: SyncRun[] }>(
        `/api/v1/mailboxes/${encodeURIComponent(props.mailboxId)}/runs`,
        { limit: 1 },
        signal,
      ).then((r) => r.items[0] ?? null),
    [props.mailboxId],
  );
  if (last.state !== 'ready') return <span class="badge">{t('org.connected')}</span>;
  const run = last.data;
  if (!run)
    return (
      <span>
        <span class="badge">{t('org.connected')}</span> <span>{t('org.notSyncedYet')}</span>
      </span>
    );
  return (
    <span>
      <span class={run.status === 'failed' ? 'badge badge-error' : 'badge badge-ok'}>
        {run.status === 'failed' ? t('org.lastRunFailed') : t('org.synced')}
      </span>{' '}
      <span>{t('org.lastRun', { when: ago(run.finishedAt ?? run.startedAt) })}</span>
    </span>
  );
}

export function UserSelection(props: { service: MailService }) {
  const path = `/api/v1/mail-services/${encodeURIComponent(props.service.id)}/users`;
  const [loaded, reload] = useLoad((signal) => get<OrganisationUsers>(path, undefined, signal), [path]);
  return (
    <Loading value={loaded} what={t('org.usersWhat')} retry={() => void reload()}>
      {(data) => (
        <SelectionForm key={JSON.stringify(data)} path={path} initial={data} service={props.service} />
      )}
    </Loading>
  );
}

function SelectionForm(props: { path: string; initial: OrganisationUsers; service: MailService }) {
  const [data, setData] = useState(props.initial);
  const [chosen, setChosen] = useState(() => chosenOf(props.initial.users));
  const [filter, setFilter] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'warning' | 'error'; text: string } | null>(
    null,
  );
  const saved = useMemo(() => chosenOf(data.users), [data]);
  const dirty = !sameSet(chosen, saved);
  const droppedInactive = data.users.filter((u) => u.selected && !u.active);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? data.users.filter((u) => `${u.displayName} ${u.email}`.toLowerCase().includes(needle))
    : data.users;
  const base = `org-${props.service.id}`;

  const toggle = (userId: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(userId);
    else next.delete(userId);
    setChosen(next);
    setOutcome(null);
  };

  const save = async () => {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await put<OrganisationUsers>(props.path, { userIds: [...chosen] });
      setData(answer);
      setChosen(chosenOf(answer.users));
      const failing = answer.users.filter((u) => u.selected && u.active && !u.synced);
      const connected = answer.users.filter((u) => u.synced).length;
      setOutcome(
        failing.length > 0
          ? {
              kind: 'warning',
              text: t('org.savedSomeFailing', {
                connected,
                failing: formatList(failing.map((u) => u.email)),
              }),
            }
          : { kind: 'success', text: t('org.saved', { connected }) },
      );
    } catch (error) {
      setOutcome({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const activeIds = data.users.filter((u) => u.active).map((u) => u.userId);
  return (
    <div class="user-selection">
      <h3 id={`${base}-users`}>{t('org.usersToSync')}</h3>
      <div class="toolbar">
        <div class="field">
          <label for={`${base}-filter`}>{t('org.findUser')}</label>
          <input
            id={`${base}-filter`}
            type="search"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
        </div>
        <button type="button" class="secondary" onClick={() => setChosen(new Set(activeIds))}>
          {t('org.chooseAll')}
        </button>
        <button type="button" class="secondary" onClick={() => setChosen(new Set())}>
          {t('org.chooseNone')}
        </button>
      </div>
      <div class="table-wrap">
        <table class="stack" aria-labelledby={`${base}-users`}>
          <thead>
            <tr>
              <th scope="col">{t('org.col.sync')}</th>
              <th scope="col">{t('org.col.user')}</th>
              <th scope="col">{t('run.head.status')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => {
              const reasonId = `${base}-reason-${u.userId}`;
              return (
                <tr key={u.userId} class={u.active ? undefined : 'inactive'}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('org.syncUser', { name: u.displayName || u.email })}
                      aria-describedby={u.active ? undefined : reasonId}
                      checked={chosen.has(u.userId)}
                      disabled={!u.active || busy}
                      onChange={(e) => toggle(u.userId, e.currentTarget.checked)}
                    />
                  </td>
                  <td>
                    <div>{u.displayName || u.email}</div>
                    <div class="muted">{u.email}</div>
                  </td>
                  <td>
                    <Status user={u} chosen={chosen.has(u.userId)} reasonId={reasonId} />
                  </td>
                </tr>
              );
            })}
            {shown.length === 0 && (
              <tr>
                <td colSpan={3} class="muted">
                  {needle ? t('org.noMatch') : t('org.noUsers')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div class="form-actions save-row">
        <button type="button" class="primary" disabled={busy} aria-busy={busy} onClick={() => void save()}>
          {busy && <span class="spinner" aria-hidden="true" />}
          {busy ? t('org.saving') : t('org.save')}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!dirty || busy}
          onClick={() => {
            setChosen(saved);
            setOutcome(null);
          }}
        >
          {t('org.discard')}
        </button>
        <span class="muted">
          {t('org.chosenCount', {
            chosen: chosen.size,
            active: activeIds.length,
            dirty: dirty ? 'yes' : 'no',
          })}
        </span>
      </div>
      {droppedInactive.length > 0 && (
        <p class="muted">{t('org.leavesOut', { users: formatList(droppedInactive.map((u) => u.email)) })}</p>
      )}
      {outcome && (
        <Notice kind={outcome.kind} title={outcome.kind === 'error' ? t('org.notSaved') : undefined}>
          {outcome.text}
        </Notice>
      )}
    </div>
  );
}
