// Creating and editing an account, and deleting one with what happens to its contacts and deals
// said first.
import { useLocation } from 'preact-iso';
import { del, get, type Page as ListPage, patch, post } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { type FormField, RecordForm, valuesOf } from '../../components/record-form.tsx';
import { t } from '../../i18n.ts';
import type { Account } from '../../types.ts';
import { forgetAccountName } from '../contacts/directory.ts';

const ACCOUNT_FIELDS: FormField[] = [
  { name: 'name', label: () => t('accounts.field.name'), required: true },
  { name: 'industry', label: () => t('accounts.field.industry') },
  { name: 'phone', label: () => t('accounts.field.phone'), kind: 'tel' },
  { name: 'website', label: () => t('accounts.field.website'), kind: 'url' },
  { name: 'address.street', label: () => t('address.street') },
  { name: 'address.postalCode', label: () => t('address.postalCode') },
  { name: 'address.city', label: () => t('address.city') },
  { name: 'address.region', label: () => t('address.region') },
  { name: 'address.country', label: () => t('address.country') },
  { name: 'notes', label: () => t('accounts.field.notes'), kind: 'textarea' },
];

export function AccountForm(props: {
  account?: Account;
  onSaved: (account: Account) => void;
  onCancel: () => void;
}) {
  const a = props.account;
  return (
    <RecordForm
      title={a ? t('accounts.form.editTitle') : t('accounts.new')}
      showTitle={Boolean(a)}
      fields={ACCOUNT_FIELDS}
      initial={valuesOf(ACCOUNT_FIELDS, a)}
      refused={a ? t('accounts.form.notSaved') : t('accounts.form.notCreated')}
      leaveQuestion={a ? t('accounts.form.leaveEdit') : t('accounts.form.leaveNew')}
      submitLabel={a ? t('common.save') : t('accounts.form.create')}
      busyLabel={a ? t('common.saving') : t('common.creating')}
      onCancel={props.onCancel}
      onSubmit={async (body) => {
        const saved = a
          ? await patch<Account>(`/api/v1/accounts/${encodeURIComponent(a.id)}`, {
              ...body,
              ifVersion: a.version,
            })
          : await post<Account>('/api/v1/accounts', body);
        forgetAccountName(saved.id);
        props.onSaved(saved);
      }}
    />
  );
}

export function AccountNew() {
  const { route } = useLocation();
  return (
    <Page title={t('accounts.new')} crumbs={[{ href: '/accounts', label: t('nav.accounts') }]}>
      <AccountForm
        onCancel={() => route('/accounts')}
        onSaved={(a) => route(`/accounts/${encodeURIComponent(a.id)}`)}
      />
    </Page>
  );
}

/** How many records of a list match, from its total. */
async function countOf(path: string, query: Record<string, string>): Promise<number> {
  const page = await get<ListPage<unknown>>(path, { ...query, limit: 1 });
  return page.total ?? page.items.length;
}

export function DeleteAccount(props: { account: Account; onCancel: () => void; onDeleted: () => void }) {
  const a = props.account;
  const [counts] = useLoad(async () => {
    const [contacts, deals] = await Promise.all([
      countOf('/api/v1/contacts', { accountId: a.id }),
      countOf('/api/v1/deals', { accountId: a.id }),
    ]);
    return { contacts, deals };
  }, [a.id]);

  return (
    <Confirm
      class="card crm-delete"
      legend={t('accounts.delete.legend', { name: a.name })}
      action={t('accounts.delete.action')}
      busyLabel={t('common.deleting')}
      onCancel={props.onCancel}
      onAction={async () => {
        await del(`/api/v1/accounts/${encodeURIComponent(a.id)}`);
        forgetAccountName(a.id);
        props.onDeleted();
      }}
    >
      {t('accounts.delete.question', { name: a.name })}{' '}
      {counts.data
        ? counts.data.contacts + counts.data.deals === 0
          ? t('accounts.delete.nothingLinked')
          : t('accounts.delete.linked', counts.data)
        : t('accounts.delete.linkedUnknown')}
    </Confirm>
  );
}
