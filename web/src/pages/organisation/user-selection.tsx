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
        <span class="badge">Inactive</span> Inactive users cannot be synced; reactivate the user to choose
        them.
        {user.selected &&
          ' Chosen before being deactivated: not synced, and left out when the selection is saved.'}
      </span>
    );
  if (chosen && !user.selected)
    return <span class="muted">Synced after saving (the mailbox is tested then)</span>;
  if (!chosen && user.selected) return <span class="muted">Stops syncing after saving</span>;
  if (!chosen) return <span class="muted">Not chosen</span>;
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
            aria-label={`Sync settings of ${user.displayName || user.email}`}
          >
            Sync settings
          </a>
        )}
      </span>
    );
  const label =
    user.mailboxStatus === 'needs_sign_in'
      ? 'Access refused'
      : user.mailboxStatus === 'failing'
        ? 'Failing'
        : user.mailboxStatus === 'pending'
          ? 'Not tested yet'
          : 'Not synced';
  return (
    <span>
      <span class={user.mailboxStatus === 'pending' ? 'badge badge-warn' : 'badge badge-error'}>{label}</span>{' '}
      {user.lastError ?? 'Save the selection again to test the mailbox.'}
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
    <Loading value={loaded} what="the users" retry={() => void reload()}>
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
      <h3 id={`${base}-users`}>Users to sync</h3>
      <div class="toolbar">
        <div class="field">
          <label for={`${base}-filter`}>Find a user</label>
          <input
            id={`${base}-filter`}
            type="search"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
        </div>
        <button type="button" class="secondary" onClick={() => setChosen(new Set(activeIds))}>
          Choose all active users
        </button>
        <button type="button" class="secondary" onClick={() => setChosen(new Set())}>
          Choose none
        </button>
      </div>
      <div class="table-wrap">
        <table aria-labelledby={`${base}-users`}>
          <thead>
            <tr>
              <th scope="col">Sync</th>
              <th scope="col">User</th>
              <th scope="col">Status</th>
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
                      aria-label={`Sync ${u.displayName || u.email}`}
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
                  {needle ? 'No user matches.' : 'There are no users.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div class="form-actions save-row">
        <button type="button" class="primary" disabled={busy} aria-busy={busy} onClick={() => void save()}>
          {busy && <span class="spinner" aria-hidden="true" />}
          {busy ? 'Saving and testing mailboxes…' : 'Save selection'}
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
          Discard changes
        </button>
        <span class="muted">
          {chosen.size} of {activeIds.length} active users chosen
          {dirty && ' (not saved)'}
        </span>
      </div>
      {droppedInactive.length > 0 && (
        <p class="muted">
          Saving leaves out {droppedInactive.map((u) => u.email).join(', ')}: chosen earlier but now inactive.
        </p>
      )}
      {outcome && (
        <Notice kind={outcome.kind} title={outcome.kind === 'error' ? 'Selection not saved' : undefined}>
          {outcome.text}
        </Notice>
      )}
    </div>
  );
}
