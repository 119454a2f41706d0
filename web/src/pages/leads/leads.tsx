// Leads: prospective customers not yet contacts, with their status and source; their emails and
// activities will be shown on the record.
import { useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import type { Lead } from '../../types.ts';
import { ValueRows } from '../contacts/contact-edit.tsx';
import { KIND_LABELS, PHONE_TYPE_LABELS } from '../contacts/directory.ts';
import { SORTS } from '../contacts/paging.tsx';
import { EmailLink, None, PhoneLink } from '../contacts/values.tsx';
import { RecordList, RecordNew, RecordPage, type RecordType } from '../records/record-screens.tsx';

const STATUSES = ['new', 'contacted', 'qualified', 'disqualified', 'converted'] as const;
const statusLabel = (s: string) => t(`leads.status.${s as (typeof STATUSES)[number]}`);
const text = (v: string | null | undefined) => v || <None />;

type Email = Lead['emails'][number];
type Phone = Lead['phones'][number];

const LEADS: RecordType<Lead> = {
  name: 'leads',
  messages: {
    title: 'nav.leads',
    new: 'leads.new',
    total: 'leads.total',
    empty: 'leads.empty',
    noMatch: 'leads.noMatch',
    searchPlaceholder: 'leads.searchPlaceholder',
    filterLabel: 'leads.filters',
    editTitle: 'leads.form.editTitle',
    notSaved: 'leads.form.notSaved',
    notCreated: 'leads.form.notCreated',
    leaveEdit: 'leads.form.leaveEdit',
    leaveNew: 'leads.form.leaveNew',
    create: 'leads.form.create',
    deleteLegend: 'leads.delete.legend',
    deleteAction: 'leads.delete.action',
    deleteQuestion: 'leads.delete.question',
    details: 'records.details',
    changed: 'records.changed',
  },
  nameOf: (l) => l.displayName,
  columns: [
    { label: () => t('leads.field.displayName'), cell: (l) => l.displayName },
    { label: () => t('leads.field.companyName'), cell: (l) => text(l.companyName) },
    { label: () => t('leads.field.status'), cell: (l) => statusLabel(l.status) },
    {
      label: () => t('leads.field.email'),
      cell: (l) => (l.emails[0] ? <EmailLink address={l.emails[0].address} /> : <None />),
    },
    {
      label: () => t('leads.field.phone'),
      cell: (l) => (l.phones[0] ? <PhoneLink number={l.phones[0].number} /> : <None />),
    },
    { label: () => t('leads.field.source'), cell: (l) => text(l.source) },
  ],
  facts: [
    { label: () => t('leads.field.status'), value: (l) => statusLabel(l.status) },
    {
      label: () => t('leads.field.name'),
      value: (l) => [l.givenName, l.familyName].filter(Boolean).join(' ') || l.displayName,
    },
    { label: () => t('leads.field.companyName'), value: (l) => text(l.companyName) },
    { label: () => t('leads.field.jobTitle'), value: (l) => text(l.jobTitle) },
    {
      label: () => t('leads.field.emails'),
      value: (l) =>
        l.emails.length === 0 ? (
          <None />
        ) : (
          <ul class="crm-values">
            {l.emails.map((e, i) => (
              <li key={i}>
                <span class="crm-kind">{KIND_LABELS[e.type] ?? e.type}</span>
                <EmailLink address={e.address} />
              </li>
            ))}
          </ul>
        ),
    },
    {
      label: () => t('leads.field.phones'),
      value: (l) =>
        l.phones.length === 0 ? (
          <None />
        ) : (
          <ul class="crm-values">
            {l.phones.map((p, i) => (
              <li key={i}>
                <span class="crm-kind">{PHONE_TYPE_LABELS[p.type] ?? p.type}</span>
                <PhoneLink number={p.number} />
              </li>
            ))}
          </ul>
        ),
    },
    { label: () => t('leads.field.source'), value: (l) => text(l.source) },
    {
      label: () => t('leads.field.notes'),
      value: (l) => (l.notes ? <p class="crm-notes">{l.notes}</p> : <None />),
    },
  ],
  fields: [
    { name: 'givenName', label: () => t('leads.field.givenName') },
    { name: 'familyName', label: () => t('leads.field.familyName') },
    {
      name: 'displayName',
      label: () => t('leads.field.displayName'),
      hint: () => t('contacts.field.displayNameHint'),
      omitEmpty: true,
    },
    { name: 'companyName', label: () => t('leads.field.companyName') },
    { name: 'jobTitle', label: () => t('leads.field.jobTitle') },
    {
      name: 'status',
      label: () => t('leads.field.status'),
      kind: 'select',
      required: true,
      options: () => STATUSES.map((s) => [s, statusLabel(s)]),
    },
    { name: 'source', label: () => t('leads.field.source') },
    { name: 'notes', label: () => t('leads.field.notes'), kind: 'textarea' },
  ],
  sorts: [SORTS.added, SORTS.name, SORTS.nameDown, SORTS.company, SORTS.changed],
  filter: {
    param: 'status',
    allLabel: 'leads.allStatuses',
    choices: () => STATUSES.map((s) => [s, statusLabel(s)]),
  },
  useExtra(lead) {
    const [initial] = useState(() => ({ emails: lead?.emails ?? [], phones: lead?.phones ?? [] }));
    const [emails, setEmails] = useState<Email[]>(initial.emails);
    const [phones, setPhones] = useState<Phone[]>(initial.phones);
    const noLimits = new Map<string, string>();
    return {
      dirty: JSON.stringify({ emails, phones }) !== JSON.stringify(initial),
      body: () => ({
        emails: emails.filter((e) => e.address.trim() !== ''),
        phones: phones.filter((p) => p.number.trim() !== ''),
      }),
      children: (
        <>
          <ValueRows
            legend={t('contacts.field.emails')}
            rows={emails}
            setRows={setEmails}
            kinds={{ work: KIND_LABELS.work, home: KIND_LABELS.home, other: KIND_LABELS.other }}
            blank={{ type: 'work', address: '' } as Email}
            valueOf={(e) => e.address}
            withValue={(e, v) => ({ ...e, address: v })}
            inputType="email"
            errors={{}}
            left={noLimits}
            path="emails"
            row="email"
          />
          <ValueRows
            legend={t('contacts.field.phones')}
            rows={phones}
            setRows={setPhones}
            kinds={PHONE_TYPE_LABELS}
            blank={{ type: 'work', number: '' } as Phone}
            valueOf={(p) => p.number}
            withValue={(p, v) => ({ ...p, number: v })}
            inputType="tel"
            errors={{}}
            left={noLimits}
            path="phones"
            row="phone"
          />
        </>
      ),
    };
  },
};

export const LeadList = () => <RecordList type={LEADS} />;
export const LeadNew = () => <RecordNew type={LEADS} />;
export const LeadPage = (props: { id: string }) => <RecordPage type={LEADS} id={props.id} />;
