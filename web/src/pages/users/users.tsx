// User administration (administrators and holders of CanManageUsers): the list, a new user with
// roles and a first password, and a user's page to change name, email and roles, deactivate or
// reactivate them and reset their password. What each action ends (sessions, tokens) is said.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiProblem, get, type Page as ListPage, patch, post, put, withQuery } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Confirm } from '../../components/confirm.tsx';
import { Field, fieldErrors } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Notice } from '../../components/notice.tsx';
import { Page } from '../../components/page.tsx';
import { type FormField, RecordForm, valuesOf } from '../../components/record-form.tsx';
import { t } from '../../i18n.ts';
import { can, useSession } from '../../session.tsx';
import type { User } from '../../types.ts';
import { focusTitle } from '../contacts/contact-page.tsx';
import { ListSearch, useSearchText } from '../contacts/list-search.tsx';
import { None } from '../contacts/values.tsx';
import '../contacts/contacts.css';

interface Role {
  id: string;
  name: string;
  builtIn: boolean;
}

const loadRoles = (signal?: AbortSignal) => get<{ items: Role[] }>('/api/v1/roles', undefined, signal);

/** Only those who may manage users see these screens; others are told plainly. */
function useMayManage(): boolean {
  const { me } = useSession();
  return can(me, 'CanManageUsers');
}

function NotAllowed() {
  return (
    <Page title={t('users.title')}>
      <Notice kind="info">{t('users.notAllowed')}</Notice>
    </Page>
  );
}

export function UserList() {
  const mayManage = useMayManage();
  const { query, route } = useLocation();
  const q = query.q ?? '';
  const [list, reload] = useLoad(
    (signal) => get<ListPage<User>>('/api/v1/users', { q, limit: 500 }, signal),
    [q],
  );
  const [text, setText] = useSearchText(q, (typed) =>
    route(withQuery('/settings/users', { q: typed }), true),
  );
  if (!mayManage) return <NotAllowed />;
  return (
    <Page
      title={t('users.title')}
      actions={
        <a class="button primary" href="/settings/users/new">
          {t('users.new')}
        </a>
      }
    >
      <ListSearch
        label={t('users.filters')}
        placeholder={t('users.searchPlaceholder')}
        text={text}
        onText={setText}
        onSearch={(typed) => route(withQuery('/settings/users', { q: typed }))}
      />
      <Loading value={list} what={t('users.title')} retry={() => void reload()}>
        {(page) => (
          <div class="table-wrap crm-table-wrap">
            <table class="crm-table">
              <caption class="visually-hidden">{t('users.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.field.displayName')}</th>
                  <th scope="col">{t('users.field.email')}</th>
                  <th scope="col">{t('users.field.roles')}</th>
                  <th scope="col">{t('users.field.status')}</th>
                </tr>
              </thead>
              <tbody>
                {[...page.items]
                  .sort((a, b) => a.displayName.localeCompare(b.displayName))
                  .map((u) => (
                    <tr key={u.id}>
                      <th scope="row" data-label={t('users.field.displayName')}>
                        <a href={`/settings/users/${encodeURIComponent(u.id)}`}>{u.displayName}</a>
                      </th>
                      <td data-label={t('users.field.email')}>{u.email}</td>
                      <td data-label={t('users.field.roles')}>
                        {u.roles.length ? u.roles.map((r) => r.name).join(', ') : <None />}
                      </td>
                      <td data-label={t('users.field.status')}>
                        {u.active ? (
                          <span class="badge badge-ok">{t('users.active')}</span>
                        ) : (
                          <span class="badge badge-warn">{t('users.deactivated')}</span>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </Loading>
    </Page>
  );
}

const USER_FIELDS: FormField[] = [
  { name: 'displayName', label: () => t('users.field.displayName'), required: true },
  { name: 'email', label: () => t('users.field.email'), required: true },
];

/** The role checkboxes of the user forms. */
function useRoleChoice(initial: string[]) {
  const [roles] = useLoad(loadRoles, []);
  const [chosen, setChosen] = useState(initial);
  return {
    dirty: JSON.stringify([...chosen].sort()) !== JSON.stringify([...initial].sort()),
    body: () => ({ roles: chosen }),
    children: (
      <fieldset>
        <legend>{t('users.field.roles')}</legend>
        {(roles.data?.items ?? []).map((r) => (
          <label key={r.id} class="check">
            <input
              type="checkbox"
              checked={chosen.includes(r.id)}
              onChange={(e) =>
                setChosen(e.currentTarget.checked ? [...chosen, r.id] : chosen.filter((id) => id !== r.id))
              }
            />
            {r.name}
          </label>
        ))}
      </fieldset>
    ),
  };
}

export function UserNew() {
  const mayManage = useMayManage();
  const { route } = useLocation();
  const fields: FormField[] = [
    ...USER_FIELDS,
    {
      name: 'password',
      label: () => t('users.field.firstPassword'),
      hint: () => t('users.field.passwordHint'),
    },
  ];
  const roles = useRoleChoice([]);
  if (!mayManage) return <NotAllowed />;
  return (
    <Page title={t('users.new')} crumbs={[{ href: '/settings/users', label: t('users.title') }]}>
      <RecordForm
        title={t('users.new')}
        fields={fields}
        initial={valuesOf(fields, undefined)}
        refused={t('users.form.notCreated')}
        leaveQuestion={t('users.form.leaveNew')}
        submitLabel={t('users.form.create')}
        busyLabel={t('common.creating')}
        extra={roles}
        onCancel={() => route('/settings/users')}
        onSubmit={async (body) => {
          const created = await post<User>('/api/v1/users', {
            ...body,
            password: body.password ?? undefined,
          });
          route(`/settings/users/${encodeURIComponent(created.id)}`);
        }}
      />
    </Page>
  );
}

interface CredentialsEnded {
  sessionsEnded: number;
  tokensRevoked: number;
}

export function UserPage(props: { id: string }) {
  const mayManage = useMayManage();
  const { me } = useSession();
  const [user, reload] = useLoad(
    (signal) => get<User>(`/api/v1/users/${encodeURIComponent(props.id)}`, undefined, signal),
    [props.id],
  );
  const [editing, setEditing] = useState(false);
  const [asking, setAsking] = useState<'deactivate' | 'reactivate' | null>(null);
  const [reset, setReset] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  if (!mayManage) return <NotAllowed />;
  const u = user.data;
  const self = u?.id === me.user.id;
  return (
    <Page
      title={u?.displayName ?? t('users.title')}
      crumbs={[{ href: '/settings/users', label: t('users.title') }]}
      actions={
        u &&
        !editing &&
        !asking &&
        !reset && (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              {t('common.edit')}
            </button>
            {!self && (
              <button type="button" onClick={() => setReset(true)}>
                {t('users.reset.open')}
              </button>
            )}
            {!self &&
              (u.active ? (
                <button type="button" class="danger" onClick={() => setAsking('deactivate')}>
                  {t('users.deactivate.open')}
                </button>
              ) : (
                <button type="button" onClick={() => setAsking('reactivate')}>
                  {t('users.reactivate.open')}
                </button>
              ))}
          </>
        )
      }
    >
      {done && <Notice kind="success">{done}</Notice>}
      {u && asking === 'deactivate' && (
        <Confirm
          class="card crm-delete"
          legend={t('users.deactivate.legend', { name: u.displayName })}
          action={t('users.deactivate.action')}
          busyLabel={t('users.deactivate.busy')}
          onCancel={() => {
            setAsking(null);
            focusTitle();
          }}
          onAction={async () => {
            await post(`/api/v1/users/${encodeURIComponent(u.id)}/deactivate`);
            setAsking(null);
            setDone(t('users.deactivate.done', { name: u.displayName }));
            void reload();
            focusTitle();
          }}
        >
          {t('users.deactivate.question', { name: u.displayName })}
        </Confirm>
      )}
      {u && asking === 'reactivate' && (
        <Confirm
          class="card"
          kind="primary"
          legend={t('users.reactivate.legend', { name: u.displayName })}
          action={t('users.reactivate.action')}
          busyLabel={t('users.reactivate.busy')}
          onCancel={() => {
            setAsking(null);
            focusTitle();
          }}
          onAction={async () => {
            await post(`/api/v1/users/${encodeURIComponent(u.id)}/reactivate`);
            setAsking(null);
            setDone(t('users.reactivate.done', { name: u.displayName }));
            void reload();
            focusTitle();
          }}
        >
          {t('users.reactivate.question', { name: u.displayName })}
        </Confirm>
      )}
      {u && reset && (
        <ResetPassword
          user={u}
          onCancel={() => {
            setReset(false);
            focusTitle();
          }}
          onDone={(ended) => {
            setReset(false);
            setDone(t('users.reset.done', { name: u.displayName, ...ended }));
            focusTitle();
          }}
        />
      )}
      <Loading value={user} what={t('users.title')} retry={() => void reload()}>
        {(loaded) =>
          editing ? (
            <UserEdit
              user={loaded}
              onCancel={() => {
                setEditing(false);
                focusTitle();
              }}
              onSaved={() => {
                setEditing(false);
                void reload();
                focusTitle();
              }}
            />
          ) : (
            <section class="card" aria-labelledby="user-details">
              <h2 id="user-details">{t('records.details')}</h2>
              <dl class="facts">
                <dt>{t('users.field.email')}</dt>
                <dd>{loaded.email}</dd>
                <dt>{t('users.field.roles')}</dt>
                <dd>{loaded.roles.length ? loaded.roles.map((r) => r.name).join(', ') : <None />}</dd>
                <dt>{t('users.field.status')}</dt>
                <dd>{loaded.active ? t('users.active') : t('users.deactivated')}</dd>
              </dl>
            </section>
          )
        }
      </Loading>
    </Page>
  );
}

function UserEdit(props: { user: User; onCancel: () => void; onSaved: () => void }) {
  const roles = useRoleChoice(props.user.roles.map((r) => r.id));
  return (
    <RecordForm
      title={t('users.form.editTitle')}
      showTitle
      fields={USER_FIELDS}
      initial={valuesOf(USER_FIELDS, props.user)}
      refused={t('users.form.notSaved')}
      leaveQuestion={t('users.form.leaveEdit')}
      submitLabel={t('common.save')}
      busyLabel={t('common.saving')}
      extra={roles}
      onCancel={props.onCancel}
      onSubmit={async (body) => {
        await patch<User>(`/api/v1/users/${encodeURIComponent(props.user.id)}`, body);
        props.onSaved();
      }}
    />
  );
}

function ResetPassword(props: {
  user: User;
  onCancel: () => void;
  onDone: (ended: CredentialsEnded) => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form class="card" aria-labelledby="reset-title" onSubmit={(e) => e.preventDefault()}>
      <h2 id="reset-title">{t('users.reset.title', { name: props.user.displayName })}</h2>
      <p>{t('users.reset.explain')}</p>
      <Field label={t('users.reset.newPassword')} hint={t('users.field.passwordHint')} error={error}>
        {(id, d) => (
          <input
            id={id}
            type="password"
            autocomplete="new-password"
            aria-describedby={d}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="form-actions">
        <ActionButton
          kind="primary"
          type="submit"
          busyLabel={t('common.saving')}
          onError={setError}
          onAction={async () => {
            setError(null);
            try {
              const ended = await put<CredentialsEnded>(
                `/api/v1/users/${encodeURIComponent(props.user.id)}/password`,
                { password },
              );
              props.onDone(ended);
            } catch (problem) {
              // The rule the password broke, beside the field.
              if (problem instanceof ApiProblem)
                setError(fieldErrors(problem.details).password ?? problem.message);
              else throw problem;
            }
          }}
        >
          {t('users.reset.action')}
        </ActionButton>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
