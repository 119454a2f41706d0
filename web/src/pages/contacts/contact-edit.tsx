// Creating and editing a contact: every field the record shows (name parts, type, work,
// account, birthday, email addresses, phone numbers, postal addresses, websites, categories,
// groups and notes). While values are typed, the form says which ones Exchange has no room for
// and how each phone number will reach Exchange, with the sync's own rules (leftOut and
// internationalPhone of the contact mapping), so nobody learns it only after a sync.
// An edit sends the version it was read at, so a change made meanwhile is not overwritten unseen.

import type { CountryCode } from 'libphonenumber-js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { internationalPhone, leftOut } from '../../../../src/sync/contacts/mapping.ts';
import { ApiProblem, messageOf, patch, post } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Field, fieldErrors } from '../../components/field.tsx';
import { useLeaveGuard } from '../../components/leave-guard.ts';
import { Notice } from '../../components/notice.tsx';
import { type MessageKey, t } from '../../i18n.ts';
import type { Contact } from '../../types.ts';
import { CONTACT_TYPE_LABELS, type Directory, KIND_LABELS, PHONE_TYPE_LABELS } from './directory.ts';

type Email = Contact['emails'][number];
type Phone = Contact['phones'][number];
type Address = Contact['addresses'][number];
type Website = Contact['websites'][number];

const text = (v: string) => (v.trim() === '' ? null : v.trim());

const SCALARS = [
  'namePrefix',
  'givenName',
  'middleName',
  'familyName',
  'nameSuffix',
  'displayName',
  'nickname',
  'companyName',
  'jobTitle',
  'department',
  'birthday',
  'notes',
] as const;
type Scalar = (typeof SCALARS)[number];

interface Draft {
  type: Contact['type'];
  accountId: string;
  fields: Record<Scalar, string>;
  emails: Email[];
  phones: Phone[];
  addresses: Address[];
  websites: Website[];
  categories: string;
  groupIds: string[];
}

function draftOf(c: Contact | undefined): Draft {
  return {
    type: c?.type ?? 'customer',
    accountId: c?.accountId ?? '',
    fields: Object.fromEntries(SCALARS.map((f) => [f, c?.[f] ?? ''])) as Record<Scalar, string>,
    emails: c?.emails ?? [],
    phones: c?.phones ?? [],
    addresses: c?.addresses ?? [],
    websites: c?.websites ?? [],
    categories: (c?.categories ?? []).join(', '),
    groupIds: c?.groupIds ?? [],
  };
}

const hasAddress = (a: Address) =>
  [a.street, a.postalCode, a.city, a.region, a.country].some((v) => v && v.trim() !== '');

/** Empty rows are left out: a row added and not filled is no value. */
function filled(d: Draft) {
  return {
    emails: d.emails.filter((e) => e.address.trim() !== ''),
    phones: d.phones.filter((p) => p.number.trim() !== ''),
    addresses: d.addresses.filter(hasAddress).map((a) => ({
      type: a.type,
      street: text(a.street ?? ''),
      postalCode: text(a.postalCode ?? ''),
      city: text(a.city ?? ''),
      region: text(a.region ?? ''),
      country: text(a.country ?? ''),
    })),
    websites: d.websites.filter((w) => w.url.trim() !== ''),
  };
}

function bodyOf(d: Draft) {
  const scalars = Object.fromEntries(SCALARS.map((f) => [f, text(d.fields[f])]));
  return {
    ...scalars,
    // An empty display name is made from the name parts by the server.
    displayName: d.fields.displayName.trim() || undefined,
    type: d.type,
    accountId: d.accountId || null,
    ...filled(d),
    categories: d.categories
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    groupIds: d.groupIds,
  };
}

/** Why Exchange cannot hold a value, by field (the sync's own reasons, in the user's language). */
const LIMIT_REASONS = {
  emails: 'contacts.limit.emails',
  phones: 'contacts.limit.phones',
  addresses: 'contacts.limit.addresses',
  websites: 'contacts.limit.websites',
} as const satisfies Record<string, MessageKey>;

/** Which values stay in Exsync, per field and position ("emails" → 3 → reason). */
function leftOutByRow(d: Draft, country: CountryCode): Map<string, string> {
  // Positions count filled rows only, as the server will store them; map them back to rows.
  const rowsOf = {
    emails: d.emails.flatMap((e, i) => (e.address.trim() ? [i] : [])),
    phones: d.phones.flatMap((p, i) => (p.number.trim() ? [i] : [])),
    addresses: d.addresses.flatMap((a, i) => (hasAddress(a) ? [i] : [])),
    websites: d.websites.flatMap((w, i) => (w.url.trim() ? [i] : [])),
  };
  const result = new Map<string, string>();
  for (const l of leftOut(filled(d), country))
    result.set(`${l.field}.${rowsOf[l.field][l.index]}`, t(LIMIT_REASONS[l.field]));
  return result;
}

export function ContactEdit(props: {
  /** The contact to edit; none to create one. */
  contact?: Contact;
  directory: Directory | undefined;
  /** Country assumed for numbers without a country code (the mailbox's sync setting). */
  country: CountryCode;
  onCancel: () => void;
  onSaved: (contact: Contact) => void;
}) {
  const c = props.contact;
  const [initial] = useState(() => draftOf(c));
  const [draft, setDraft] = useState(initial);
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [saved, setSaved] = useState(false);
  const dirty = !saved && JSON.stringify(draft) !== JSON.stringify(initial);
  useLeaveGuard(dirty, c ? t('contacts.form.leaveEdit') : t('contacts.form.leaveNew'));
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The refusal may be far above the Save button: bring it into view and read it out.
    if (problem) {
      summary.current?.scrollIntoView({ block: 'center' });
      summary.current?.focus();
    }
  }, [problem]);

  const setField = (field: Scalar) => (e: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, fields: { ...draft.fields, [field]: e.currentTarget.value } });
  const errors = problem?.fields ?? {};
  const left = leftOutByRow(draft, props.country);

  const save = async () => {
    setProblem(null);
    try {
      const body = bodyOf(draft);
      const result = c
        ? await patch<Contact>(`/api/v1/contacts/${encodeURIComponent(c.id)}`, {
            ...body,
            ifVersion: c.version,
          })
        : await post<Contact>('/api/v1/contacts', body);
      setSaved(true);
      props.onSaved(result);
    } catch (error) {
      if (error instanceof ApiProblem) {
        setProblem({ message: messageOf(error), fields: fieldErrors(error.details) });
        return;
      }
      throw error;
    }
  };

  const input = (field: Scalar) => (
    <Field label={t(`contacts.field.${field}` as MessageKey)} error={errors[field]}>
      {(id, d) => (
        <input id={id} aria-describedby={d} value={draft.fields[field]} onInput={setField(field)} />
      )}
    </Field>
  );

  const accounts = props.directory?.accounts ?? [];
  const title = c ? t('contacts.form.editTitle') : t('contacts.new');
  return (
    <form
      class="card crm-contact-form"
      aria-labelledby="edit-contact-title"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <h2 id="edit-contact-title" class={c ? undefined : 'visually-hidden'}>
        {title}
      </h2>
      {problem && (
        <div ref={summary} tabIndex={-1}>
          <Notice kind="error" title={c ? t('contacts.form.notSaved') : t('contacts.form.notCreated')}>
            {problem.message}
          </Notice>
        </div>
      )}
      <div class="grid">
        <div>
          <Field label={t('contacts.field.type')}>
            {(id) => (
              <select
                id={id}
                value={draft.type}
                onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value as Contact['type'] })}
              >
                {Object.entries(CONTACT_TYPE_LABELS).map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {input('namePrefix')}
          {input('givenName')}
          {input('middleName')}
          {input('familyName')}
          {input('nameSuffix')}
          <Field
            label={t('contacts.field.displayName')}
            hint={t('contacts.field.displayNameHint')}
            error={errors.displayName}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={draft.fields.displayName}
                onInput={setField('displayName')}
              />
            )}
          </Field>
          {input('nickname')}
        </div>
        <div>
          {input('companyName')}
          <Field label={t('contacts.field.account')} error={errors.accountId}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                value={draft.accountId}
                onChange={(e) => setDraft({ ...draft, accountId: e.currentTarget.value })}
              >
                <option value="">{t('contacts.field.noAccount')}</option>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
                {draft.accountId && !accounts.some((a) => a.id === draft.accountId) && (
                  <option value={draft.accountId}>{t('contacts.field.currentAccount')}</option>
                )}
              </select>
            )}
          </Field>
          {input('jobTitle')}
          {input('department')}
          <Field label={t('contacts.field.birthday')} error={errors.birthday}>
            {(id, d) => (
              <input
                id={id}
                type="date"
                aria-describedby={d}
                value={draft.fields.birthday}
                onInput={setField('birthday')}
              />
            )}
          </Field>
          <Field
            label={t('contacts.field.categories')}
            hint={t('contacts.field.categoriesHint')}
            error={errors.categories}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={draft.categories}
                onInput={(e) => setDraft({ ...draft, categories: e.currentTarget.value })}
              />
            )}
          </Field>
        </div>
      </div>

      <ValueRows
        legend={t('contacts.field.emails')}
        rows={draft.emails}
        setRows={(emails) => setDraft({ ...draft, emails })}
        kinds={{ work: KIND_LABELS.work, home: KIND_LABELS.home, other: KIND_LABELS.other }}
        blank={{ type: 'work', address: '' } as Email}
        valueOf={(e) => e.address}
        withValue={(e, v) => ({ ...e, address: v })}
        inputType="email"
        errors={errors}
        left={left}
        path="emails"
        row="email"
      />
      <ValueRows
        legend={t('contacts.field.phones')}
        rows={draft.phones}
        setRows={(phones) => setDraft({ ...draft, phones })}
        kinds={PHONE_TYPE_LABELS}
        blank={{ type: 'work', number: '' } as Phone}
        valueOf={(p) => p.number}
        withValue={(p, v) => ({ ...p, number: v })}
        inputType="tel"
        errors={errors}
        left={left}
        path="phones"
        row="phone"
        check={(number) => phoneVerdict(number, props.country)}
      />
      <AddressRows
        rows={draft.addresses}
        setRows={(addresses) => setDraft({ ...draft, addresses })}
        errors={errors}
        left={left}
      />
      <ValueRows
        legend={t('contacts.field.websites')}
        rows={draft.websites}
        setRows={(websites) => setDraft({ ...draft, websites })}
        kinds={{ work: KIND_LABELS.work, personal: KIND_LABELS.personal, other: KIND_LABELS.other }}
        blank={{ type: 'work', url: '' } as Website}
        valueOf={(w) => w.url}
        withValue={(w, v) => ({ ...w, url: v })}
        inputType="url"
        errors={errors}
        left={left}
        path="websites"
        row="website"
      />

      {props.directory && props.directory.groups.length > 0 && (
        <fieldset>
          <legend>{t('contacts.field.groups')}</legend>
          {props.directory.groups.map((g) => (
            <label key={g.id} class="check">
              <input
                type="checkbox"
                checked={draft.groupIds.includes(g.id)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    groupIds: e.currentTarget.checked
                      ? [...draft.groupIds, g.id]
                      : draft.groupIds.filter((id) => id !== g.id),
                  })
                }
              />
              {g.name}
            </label>
          ))}
        </fieldset>
      )}
      <Field label={t('contacts.field.notes')} error={errors.notes}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            rows={4}
            value={draft.fields.notes}
            onInput={setField('notes')}
          />
        )}
      </Field>
      <div class="form-actions">
        <ActionButton
          kind="primary"
          type="submit"
          onAction={save}
          busyLabel={c ? t('common.saving') : t('common.creating')}
        >
          {c ? t('common.save') : t('contacts.form.create')}
        </ActionButton>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        {dirty && <span class="badge badge-warn">{t('common.unsaved')}</span>}
      </div>
    </form>
  );
}

/** What the sync will write to Exchange for a typed number. */
function phoneVerdict(number: string, country: CountryCode): { ok: boolean; text: string } | null {
  if (number.trim() === '') return null;
  const international = internationalPhone(number, country);
  if (international) return { ok: true, text: t('contacts.form.phoneOk', { number: international }) };
  return { ok: false, text: t('contacts.form.phoneBad', { country }) };
}

function LeftOutMark(props: { reason: string | undefined; id: string }) {
  if (!props.reason) return null;
  return (
    <span id={props.id} class="crm-left-out">
      <span class="badge badge-warn">{t('contacts.form.notExported')}</span>{' '}
      <span class="muted crm-small">{props.reason}</span>
    </span>
  );
}

export function ValueRows<T extends { type: string }>(props: {
  legend: string;
  rows: T[];
  setRows: (rows: T[]) => void;
  kinds: Record<string, string>;
  blank: T;
  valueOf: (row: T) => string;
  withValue: (row: T, value: string) => T;
  inputType: 'email' | 'tel' | 'url';
  errors: Record<string, string>;
  left: Map<string, string>;
  path: 'emails' | 'phones' | 'websites';
  /** Names the row's messages: contacts.form.<row>.kind, .value, .remove and .add. */
  row: 'email' | 'phone' | 'website';
  check?: (value: string) => { ok: boolean; text: string } | null;
}) {
  const { rows, setRows } = props;
  const replace = (i: number, row: T) => setRows(rows.map((r, j) => (j === i ? row : r)));
  const say = (part: 'kind' | 'value' | 'remove' | 'add', n?: number) =>
    t(`contacts.form.${props.row}.${part}` as MessageKey, { n });
  return (
    <fieldset class="crm-edit-rows">
      <legend>{props.legend}</legend>
      {props.errors[props.path] && <p class="field-error">{props.errors[props.path]}</p>}
      {rows.map((row, i) => {
        const error =
          props.errors[`${props.path}.${i}`] ??
          Object.entries(props.errors).find(([k]) => k.startsWith(`${props.path}.${i}.`))?.[1];
        const n = i + 1;
        const reason = props.left.get(`${props.path}.${i}`);
        const verdict = props.check?.(props.valueOf(row));
        const markId = `${props.path}-${i}-left-out`;
        const verdictId = `${props.path}-${i}-verdict`;
        const describedBy = [reason ? markId : null, verdict ? verdictId : null].filter(Boolean).join(' ');
        return (
          <div class="crm-edit-row" key={i}>
            <select
              aria-label={say('kind', n)}
              value={row.type}
              onChange={(e) => replace(i, { ...row, type: e.currentTarget.value })}
            >
              {Object.entries(props.kinds).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
            <input
              type="text"
              inputMode={props.inputType}
              aria-label={say('value', n)}
              aria-describedby={describedBy || undefined}
              aria-invalid={verdict && !verdict.ok ? true : undefined}
              value={props.valueOf(row)}
              onInput={(e) => replace(i, props.withValue(row, e.currentTarget.value))}
            />
            <button
              type="button"
              class="crm-small"
              aria-label={say('remove', n)}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              {t('common.remove')}
            </button>
            {verdict && (
              <span
                id={verdictId}
                class={verdict.ok ? 'muted crm-small crm-row-note' : 'field-error crm-row-note'}
              >
                {verdict.text}
              </span>
            )}
            <LeftOutMark reason={reason} id={markId} />
            {error && <span class="field-error">{error}</span>}
          </div>
        );
      })}
      <button type="button" class="crm-small" onClick={() => setRows([...rows, { ...props.blank }])}>
        {say('add')}
      </button>
    </fieldset>
  );
}

const ADDRESS_PARTS = ['street', 'postalCode', 'city', 'region', 'country'] as const;

function AddressRows(props: {
  rows: Address[];
  setRows: (rows: Address[]) => void;
  errors: Record<string, string>;
  left: Map<string, string>;
}) {
  const { rows, setRows } = props;
  const replace = (i: number, row: Address) => setRows(rows.map((r, j) => (j === i ? row : r)));
  return (
    <fieldset class="crm-edit-rows">
      <legend>{t('contacts.field.addresses')}</legend>
      {rows.map((row, i) => {
        const n = i + 1;
        const error = Object.entries(props.errors).find(([k]) => k.startsWith(`addresses.${i}`))?.[1];
        return (
          <fieldset class="crm-edit-row crm-address-row" key={i}>
            <legend class="visually-hidden">{t('contacts.form.address.legend', { n })}</legend>
            <select
              aria-label={t('contacts.form.address.kind', { n })}
              value={row.type}
              onChange={(e) => replace(i, { ...row, type: e.currentTarget.value as Address['type'] })}
            >
              {(['work', 'home', 'other'] as const).map((v) => (
                <option key={v} value={v}>
                  {KIND_LABELS[v]}
                </option>
              ))}
            </select>
            {ADDRESS_PARTS.map((part) => (
              <input
                key={part}
                aria-label={t(`contacts.form.address.${part}`, { n })}
                placeholder={t(`address.${part}`)}
                value={row[part] ?? ''}
                onInput={(e) => replace(i, { ...row, [part]: e.currentTarget.value })}
              />
            ))}
            <button
              type="button"
              class="crm-small"
              aria-label={t('contacts.form.address.remove', { n })}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              {t('common.remove')}
            </button>
            <LeftOutMark reason={props.left.get(`addresses.${i}`)} id={`addresses-${i}-left-out`} />
            {error && <span class="field-error">{error}</span>}
          </fieldset>
        );
      })}
      <button
        type="button"
        class="crm-small"
        onClick={() =>
          setRows([...rows, { type: 'work', street: '', postalCode: '', city: '', region: '', country: '' }])
        }
      >
        {t('contacts.form.address.add')}
      </button>
    </fieldset>
  );
}
