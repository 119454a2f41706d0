// Deals (opportunities): an amount at a stage, for an account and a contact.
import { useState } from 'preact/hooks';
import { get, type Page as ListPage } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { useLoad } from '../../components/load.tsx';
import { calendarDate } from '../../components/time.ts';
import { formatNumber, t } from '../../i18n.ts';
import type { Account, Contact, Deal } from '../../types.ts';
import { CHOICES_LIMIT } from '../contacts/directory.ts';
import { SORTS } from '../contacts/paging.tsx';
import { None } from '../contacts/values.tsx';
import { RecordList, RecordNew, RecordPage, type RecordType } from '../records/record-screens.tsx';

const STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;
const stageLabel = (s: string) => t(`deals.stage.${s as (typeof STAGES)[number]}`);

function amountOf(d: Deal) {
  if (d.amount === null) return <None />;
  return d.currency
    ? formatNumber(d.amount, { style: 'currency', currency: d.currency })
    : formatNumber(d.amount);
}

/** The name of a linked record, read once; a link to it. */
function Linked(props: { kind: 'accounts' | 'contacts'; id: string | null }) {
  const [name] = useLoad(
    async (signal) => {
      if (!props.id) return null;
      const r = await get<Account | Contact>(
        `/api/v1/${props.kind}/${encodeURIComponent(props.id)}`,
        undefined,
        signal,
      );
      return 'name' in r ? r.name : r.displayName;
    },
    [props.kind, props.id],
  );
  if (!props.id) return <None />;
  return <a href={`/${props.kind}/${encodeURIComponent(props.id)}`}>{name.data ?? t('deals.openLinked')}</a>;
}

const DEALS: RecordType<Deal> = {
  name: 'deals',
  messages: {
    title: 'nav.deals',
    new: 'deals.new',
    total: 'deals.total',
    empty: 'deals.empty',
    noMatch: 'deals.noMatch',
    searchPlaceholder: 'deals.searchPlaceholder',
    filterLabel: 'deals.filters',
    editTitle: 'deals.form.editTitle',
    notSaved: 'deals.form.notSaved',
    notCreated: 'deals.form.notCreated',
    leaveEdit: 'deals.form.leaveEdit',
    leaveNew: 'deals.form.leaveNew',
    create: 'deals.form.create',
    deleteLegend: 'deals.delete.legend',
    deleteAction: 'deals.delete.action',
    deleteQuestion: 'deals.delete.question',
    details: 'records.details',
    changed: 'records.changed',
  },
  nameOf: (d) => d.name,
  columns: [
    { label: () => t('deals.field.name'), cell: (d) => d.name },
    { label: () => t('deals.field.stage'), cell: (d) => stageLabel(d.stage) },
    { label: () => t('deals.field.amount'), cell: amountOf },
    {
      label: () => t('deals.field.closeDate'),
      cell: (d) => (d.closeDate ? calendarDate(d.closeDate, { dateStyle: 'medium' }) : <None />),
    },
    { label: () => t('deals.field.accountId'), cell: (d) => <Linked kind="accounts" id={d.accountId} /> },
  ],
  facts: [
    { label: () => t('deals.field.stage'), value: (d) => stageLabel(d.stage) },
    { label: () => t('deals.field.amount'), value: amountOf },
    {
      label: () => t('deals.field.closeDate'),
      value: (d) => (d.closeDate ? calendarDate(d.closeDate) : <None />),
    },
    { label: () => t('deals.field.accountId'), value: (d) => <Linked kind="accounts" id={d.accountId} /> },
    { label: () => t('deals.field.contactId'), value: (d) => <Linked kind="contacts" id={d.contactId} /> },
    {
      label: () => t('deals.field.notes'),
      value: (d) => (d.notes ? <p class="crm-notes">{d.notes}</p> : <None />),
    },
  ],
  fields: [
    { name: 'name', label: () => t('deals.field.name'), required: true },
    {
      name: 'stage',
      label: () => t('deals.field.stage'),
      kind: 'select',
      required: true,
      options: () => STAGES.map((s) => [s, stageLabel(s)]),
    },
    { name: 'amount', label: () => t('deals.field.amount'), kind: 'number' },
    { name: 'currency', label: () => t('deals.field.currency'), hint: () => t('deals.field.currencyHint') },
    { name: 'closeDate', label: () => t('deals.field.closeDate'), kind: 'date' },
    { name: 'notes', label: () => t('deals.field.notes'), kind: 'textarea' },
  ],
  sorts: [SORTS.added, SORTS.name, SORTS.nameDown, SORTS.changed],
  filter: {
    param: 'stage',
    allLabel: 'deals.allStages',
    choices: () => STAGES.map((s) => [s, stageLabel(s)]),
  },
  useExtra(deal) {
    const initial = { accountId: deal?.accountId ?? '', contactId: deal?.contactId ?? '' };
    const [links, setLinks] = useState(initial);
    const [choices] = useLoad(async (signal) => {
      const [accounts, contacts] = await Promise.all([
        get<ListPage<Account>>('/api/v1/accounts', { limit: CHOICES_LIMIT, sort: 'name' }, signal),
        get<ListPage<Contact>>('/api/v1/contacts', { limit: CHOICES_LIMIT, sort: 'name' }, signal),
      ]);
      return {
        accounts: accounts.items.map((a) => [a.id, a.name]),
        contacts: contacts.items.map((c) => [c.id, c.displayName]),
      };
    }, []);
    const select = (field: 'accountId' | 'contactId', list: string[][] | undefined) => (
      <Field label={t(`deals.field.${field}`)}>
        {(id) => (
          <select
            id={id}
            value={links[field]}
            onChange={(e) => setLinks({ ...links, [field]: e.currentTarget.value })}
          >
            <option value="">{t('deals.field.none')}</option>
            {(list ?? []).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
            {links[field] && !(list ?? []).some(([v]) => v === links[field]) && (
              <option value={links[field]}>{t('deals.field.current')}</option>
            )}
          </select>
        )}
      </Field>
    );
    return {
      dirty: JSON.stringify(links) !== JSON.stringify(initial),
      body: () => ({ accountId: links.accountId || null, contactId: links.contactId || null }),
      children: (
        <div class="crm-form-fields">
          {select('accountId', choices.data?.accounts)}
          {select('contactId', choices.data?.contacts)}
        </div>
      ),
    };
  },
};

export const DealList = () => <RecordList type={DEALS} />;
export const DealNew = () => <RecordNew type={DEALS} />;
export const DealPage = (props: { id: string }) => <RecordPage type={DEALS} id={props.id} />;
