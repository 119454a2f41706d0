// Editing a contact: name, type, work, account, groups, email addresses, phone numbers,
// websites and notes. Sends only the form's fields (PATCH) with the version it was read at, so
// a change made meanwhile (by someone else or by a sync) is not overwritten unseen.
import { useState } from 'preact/hooks';
import { ApiProblem, patch } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Field, fieldErrors } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import type { Contact } from '../../types.ts';
import { CONTACT_TYPE_LABELS, type Directory, KIND_LABELS, PHONE_TYPE_LABELS } from './directory.ts';

type Email = Contact['emails'][number];
type Phone = Contact['phones'][number];
type Website = Contact['websites'][number];

const text = (v: string) => (v.trim() === '' ? null : v.trim());

export function ContactEdit(props: {
  contact: Contact;
  directory: Directory | undefined;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const c = props.contact;
  const [form, setForm] = useState({
    type: c.type,
    givenName: c.givenName ?? '',
    familyName: c.familyName ?? '',
    displayName: c.displayName,
    companyName: c.companyName ?? '',
    jobTitle: c.jobTitle ?? '',
    department: c.department ?? '',
    accountId: c.accountId ?? '',
    notes: c.notes ?? '',
  });
  const [groupIds, setGroupIds] = useState<string[]>(c.groupIds);
  const [emails, setEmails] = useState<Email[]>(c.emails);
  const [phones, setPhones] = useState<Phone[]>(c.phones);
  const [websites, setWebsites] = useState<Website[]>(c.websites);
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const set = (field: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [field]: e.currentTarget.value });
  const errors = problem?.fields ?? {};

  const save = async () => {
    setProblem(null);
    try {
      await patch<Contact>(`/api/v1/contacts/${encodeURIComponent(c.id)}`, {
        type: form.type,
        givenName: text(form.givenName),
        familyName: text(form.familyName),
        displayName: form.displayName.trim() || undefined,
        companyName: text(form.companyName),
        jobTitle: text(form.jobTitle),
        department: text(form.department),
        accountId: form.accountId || null,
        notes: text(form.notes),
        groupIds,
        emails: emails.filter((e) => e.address.trim() !== ''),
        phones: phones.filter((p) => p.number.trim() !== ''),
        websites: websites.filter((w) => w.url.trim() !== ''),
        ifVersion: c.version,
      });
      props.onSaved();
    } catch (error) {
      if (error instanceof ApiProblem) {
        setProblem({ message: error.message, fields: fieldErrors(error.details) });
        return;
      }
      throw error;
    }
  };

  const accounts = props.directory?.accounts ?? [];
  return (
    <form
      class="card"
      aria-labelledby="edit-contact-title"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <h2 id="edit-contact-title">Edit contact</h2>
      {problem && (
        <Notice kind="error" title="The contact was not saved">
          {problem.message}
        </Notice>
      )}
      <div class="grid">
        <div>
          <Field label="Type">
            {(id) => (
              <select id={id} value={form.type} onChange={set('type')}>
                {Object.entries(CONTACT_TYPE_LABELS).map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Given name" error={errors.givenName}>
            {(id, d) => (
              <input id={id} aria-describedby={d} value={form.givenName} onInput={set('givenName')} />
            )}
          </Field>
          <Field label="Family name" error={errors.familyName}>
            {(id, d) => (
              <input id={id} aria-describedby={d} value={form.familyName} onInput={set('familyName')} />
            )}
          </Field>
          <Field label="Display name" error={errors.displayName}>
            {(id, d) => (
              <input id={id} aria-describedby={d} value={form.displayName} onInput={set('displayName')} />
            )}
          </Field>
        </div>
        <div>
          <Field label="Company" error={errors.companyName}>
            {(id, d) => (
              <input id={id} aria-describedby={d} value={form.companyName} onInput={set('companyName')} />
            )}
          </Field>
          <Field label="Account" error={errors.accountId}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={form.accountId} onChange={set('accountId')}>
                <option value="">No account</option>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
                {form.accountId && !accounts.some((a) => a.id === form.accountId) && (
                  <option value={form.accountId}>The current account</option>
                )}
              </select>
            )}
          </Field>
          <Field label="Job title" error={errors.jobTitle}>
            {(id, d) => (
              <input id={id} aria-describedby={d} value={form.jobTitle} onInput={set('jobTitle')} />
            )}
          </Field>
          <Field label="Department" error={errors.department}>
            {(id, d) => (
              <input id={id} aria-describedby={d} value={form.department} onInput={set('department')} />
            )}
          </Field>
        </div>
      </div>

      <ValueRows
        legend="Email addresses"
        rows={emails}
        setRows={setEmails}
        kinds={{ work: KIND_LABELS.work, home: KIND_LABELS.home, other: KIND_LABELS.other }}
        blank={{ type: 'work', address: '' }}
        valueOf={(e) => e.address}
        withValue={(e, v) => ({ ...e, address: v })}
        inputType="email"
        errors={errors}
        path="emails"
        what="email address"
      />
      <ValueRows
        legend="Phone numbers"
        rows={phones}
        setRows={setPhones}
        kinds={PHONE_TYPE_LABELS}
        blank={{ type: 'work', number: '' }}
        valueOf={(p) => p.number}
        withValue={(p, v) => ({ ...p, number: v })}
        inputType="tel"
        errors={errors}
        path="phones"
        what="phone number"
      />
      <ValueRows
        legend="Websites"
        rows={websites}
        setRows={setWebsites}
        kinds={{ work: KIND_LABELS.work, personal: KIND_LABELS.personal, other: KIND_LABELS.other }}
        blank={{ type: 'work', url: '' }}
        valueOf={(w) => w.url}
        withValue={(w, v) => ({ ...w, url: v })}
        inputType="url"
        errors={errors}
        path="websites"
        what="website"
      />

      {props.directory && props.directory.groups.length > 0 && (
        <fieldset>
          <legend>Groups</legend>
          {props.directory.groups.map((g) => (
            <label key={g.id} class="check">
              <input
                type="checkbox"
                checked={groupIds.includes(g.id)}
                onChange={(e) =>
                  setGroupIds(
                    e.currentTarget.checked ? [...groupIds, g.id] : groupIds.filter((id) => id !== g.id),
                  )
                }
              />
              {g.name}
            </label>
          ))}
        </fieldset>
      )}
      <Field label="Notes" error={errors.notes}>
        {(id, d) => (
          <textarea id={id} aria-describedby={d} rows={4} value={form.notes} onInput={set('notes')} />
        )}
      </Field>
      <div class="form-actions">
        <ActionButton kind="primary" type="submit" onAction={save} busyLabel="Saving…">
          Save
        </ActionButton>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ValueRows<T extends { type: string }>(props: {
  legend: string;
  rows: T[];
  setRows: (rows: T[]) => void;
  kinds: Record<string, string>;
  blank: T;
  valueOf: (row: T) => string;
  withValue: (row: T, value: string) => T;
  inputType: 'email' | 'tel' | 'url';
  errors: Record<string, string>;
  path: string;
  what: string;
}) {
  const { rows, setRows } = props;
  const replace = (i: number, row: T) => setRows(rows.map((r, j) => (j === i ? row : r)));
  return (
    <fieldset class="crm-edit-rows">
      <legend>{props.legend}</legend>
      {props.errors[props.path] && <p class="field-error">{props.errors[props.path]}</p>}
      {rows.map((row, i) => {
        const error =
          props.errors[`${props.path}.${i}`] ??
          Object.entries(props.errors).find(([k]) => k.startsWith(`${props.path}.${i}.`))?.[1];
        const n = i + 1;
        return (
          <div class="crm-edit-row" key={i}>
            <select
              aria-label={`Kind of ${props.what} ${n}`}
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
              aria-label={`${props.what.charAt(0).toUpperCase()}${props.what.slice(1)} ${n}`}
              value={props.valueOf(row)}
              onInput={(e) => replace(i, props.withValue(row, e.currentTarget.value))}
            />
            <button
              type="button"
              class="crm-small"
              aria-label={`Remove ${props.what} ${n}`}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
            {error && <span class="field-error">{error}</span>}
          </div>
        );
      })}
      <button type="button" class="crm-small" onClick={() => setRows([...rows, { ...props.blank }])}>
        Add {props.what}
      </button>
    </fieldset>
  );
}
