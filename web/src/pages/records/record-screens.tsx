// The list, record and "new" screens of the record types without screens of their own (leads,
// deals): one description per type gives the columns, facts, form fields, filters and messages;
// search, sort, total and paging live in the address as on the contact list.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { del, get, type Page as ListPage, patch, post, withQuery } from '../../api.ts';
import { Confirm } from '../../components/confirm.tsx';
import { Field } from '../../components/field.tsx';
import { Loading, useLoad } from '../../components/load.tsx';
import { Page } from '../../components/page.tsx';
import { type FormField, RecordForm, valuesOf } from '../../components/record-form.tsx';
import { dateTime } from '../../components/time.ts';
import { type MessageKey, t } from '../../i18n.ts';
import { focusTitle } from '../contacts/contact-page.tsx';
import { ListSearch, useSearchText } from '../contacts/list-search.tsx';
import { Pager, type SortChoice, SortSelect, TotalCount, usePageTop } from '../contacts/paging.tsx';
import '../contacts/contacts.css';

export interface AnyRecord {
  id: string;
  version: number;
  updatedAt: string;
  [field: string]: unknown;
}

/** The messages of one record type, by role. */
export interface TypeMessages {
  title: MessageKey;
  new: MessageKey;
  total: MessageKey;
  empty: MessageKey;
  noMatch: MessageKey;
  searchPlaceholder: MessageKey;
  filterLabel: MessageKey;
  editTitle: MessageKey;
  notSaved: MessageKey;
  notCreated: MessageKey;
  leaveEdit: MessageKey;
  leaveNew: MessageKey;
  create: MessageKey;
  deleteLegend: MessageKey;
  deleteAction: MessageKey;
  deleteQuestion: MessageKey;
  details: MessageKey;
  changed: MessageKey;
}

export interface RecordType<R extends AnyRecord> {
  /** Route and API name, e.g. `leads`. */
  name: string;
  messages: TypeMessages;
  nameOf: (r: R) => string;
  columns: Array<{ label: () => string; cell: (r: R) => ComponentChildren }>;
  facts: Array<{ label: () => string; value: (r: R) => ComponentChildren }>;
  fields: FormField[];
  sorts: SortChoice[];
  /** A choice filter beside the search (status, stage): the query parameter and its choices. */
  filter?: { param: string; allLabel: MessageKey; choices: () => Array<[string, string]> };
  /** Extra form rows (e.g. email addresses) with their own state; see RecordForm's `extra`. */
  useExtra?: (record: R | undefined) => {
    dirty: boolean;
    body: () => Record<string, unknown>;
    children: ComponentChildren;
  };
}

const PAGE_SIZE = 25;

export function RecordList<R extends AnyRecord>(props: { type: RecordType<R> }) {
  const { type } = props;
  const m = type.messages;
  const base = `/${type.name}`;
  const { query, route } = useLocation();
  const q = query.q ?? '';
  const sort = query.sort ?? '';
  const choice = type.filter ? (query[type.filter.param] ?? '') : '';
  const cursor = query.cursor || null;
  usePageTop(cursor);
  const go = (
    change: { q?: string; sort?: string; choice?: string; cursor?: string | null },
    replace = false,
  ) =>
    route(
      withQuery(base, {
        q: change.q ?? q,
        sort: change.sort ?? sort,
        ...(type.filter ? { [type.filter.param]: change.choice ?? choice } : {}),
        cursor: change.cursor ?? undefined,
      }),
      replace,
    );
  const [list, reload] = useLoad(
    (signal) =>
      get<ListPage<R>>(
        `/api/v1/${type.name}`,
        {
          q,
          sort,
          ...(type.filter ? { [type.filter.param]: choice } : {}),
          cursor,
          limit: PAGE_SIZE,
        },
        signal,
      ),
    [q, sort, choice, cursor],
  );
  const [text, setText] = useSearchText(q, (typed) => go({ q: typed }, true));
  const filtered = q !== '' || choice !== '';

  return (
    <Page
      title={t(m.title)}
      actions={
        <a class="button primary" href={`${base}/new`}>
          {t(m.new)}
        </a>
      }
    >
      <ListSearch
        label={t(m.filterLabel)}
        placeholder={t(m.searchPlaceholder)}
        text={text}
        onText={setText}
        onSearch={(typed) => go({ q: typed })}
      >
        {type.filter && (
          <Field label={t(`${type.name}.field.${type.filter.param}` as MessageKey)}>
            {(id) => (
              <select id={id} value={choice} onChange={(e) => go({ choice: e.currentTarget.value })}>
                <option value="">{t(type.filter!.allLabel)}</option>
                {type.filter!.choices().map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <SortSelect value={sort} choices={type.sorts} onChange={(s) => go({ sort: s })} />
      </ListSearch>
      <Loading value={list} what={t(m.title)} retry={() => void reload()}>
        {(page) =>
          page.items.length === 0 ? (
            <div class="card crm-empty">
              <p>{filtered ? t(m.noMatch) : t(m.empty)}</p>
            </div>
          ) : (
            <>
              <TotalCount text={page.total === undefined ? null : t(m.total, { count: page.total })} />
              <div class="table-wrap crm-table-wrap" aria-busy={list.state === 'loading'}>
                <table class="crm-table">
                  <caption class="visually-hidden">{t(m.title)}</caption>
                  <thead>
                    <tr>
                      {type.columns.map((c, i) => (
                        <th key={i} scope="col">
                          {c.label()}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((r) => (
                      <tr key={r.id}>
                        {type.columns.map((c, i) =>
                          i === 0 ? (
                            <th key={i} scope="row" data-label={c.label()}>
                              <a href={`${base}/${encodeURIComponent(r.id)}`}>{type.nameOf(r)}</a>
                            </th>
                          ) : (
                            <td key={i} data-label={c.label()}>
                              {c.cell(r)}
                            </td>
                          ),
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager
                cursor={cursor}
                nextCursor={page.nextCursor}
                count={page.items.length}
                total={page.total}
                what={t(m.title)}
                onGo={(c) => go({ cursor: c })}
              />
            </>
          )
        }
      </Loading>
    </Page>
  );
}

function TypeForm<R extends AnyRecord>(props: {
  type: RecordType<R>;
  record?: R;
  onSaved: (r: R) => void;
  onCancel: () => void;
}) {
  const { type, record } = props;
  const m = type.messages;
  const extra = type.useExtra?.(record);
  return (
    <RecordForm
      title={record ? t(m.editTitle) : t(m.new)}
      showTitle={Boolean(record)}
      fields={type.fields}
      initial={valuesOf(type.fields, record)}
      refused={record ? t(m.notSaved) : t(m.notCreated)}
      leaveQuestion={record ? t(m.leaveEdit) : t(m.leaveNew)}
      submitLabel={record ? t('common.save') : t(m.create)}
      busyLabel={record ? t('common.saving') : t('common.creating')}
      extra={extra}
      onCancel={props.onCancel}
      onSubmit={async (body) => {
        const saved = record
          ? await patch<R>(`/api/v1/${type.name}/${encodeURIComponent(record.id)}`, {
              ...body,
              ifVersion: record.version,
            })
          : await post<R>(`/api/v1/${type.name}`, body);
        props.onSaved(saved);
      }}
    />
  );
}

export function RecordNew<R extends AnyRecord>(props: { type: RecordType<R> }) {
  const { route } = useLocation();
  const base = `/${props.type.name}`;
  return (
    <Page title={t(props.type.messages.new)} crumbs={[{ href: base, label: t(props.type.messages.title) }]}>
      <TypeForm
        type={props.type}
        onCancel={() => route(base)}
        onSaved={(r) => route(`${base}/${encodeURIComponent(r.id)}`)}
      />
    </Page>
  );
}

export function RecordPage<R extends AnyRecord>(props: { type: RecordType<R>; id: string }) {
  const { type } = props;
  const m = type.messages;
  const base = `/${type.name}`;
  const { route } = useLocation();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [record, reload] = useLoad(
    (signal) => get<R>(`/api/v1/${type.name}/${encodeURIComponent(props.id)}`, undefined, signal),
    [type.name, props.id],
  );
  const r = record.data;
  return (
    <Page
      title={r ? type.nameOf(r) : t(m.title)}
      crumbs={[{ href: base, label: t(m.title) }]}
      actions={
        r &&
        !editing &&
        !deleting && (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              {t('common.edit')}
            </button>
            <button type="button" class="danger" onClick={() => setDeleting(true)}>
              {t('common.delete')}
            </button>
          </>
        )
      }
    >
      {deleting && r && (
        <Confirm
          class="card crm-delete"
          legend={t(m.deleteLegend, { name: type.nameOf(r) })}
          action={t(m.deleteAction)}
          busyLabel={t('common.deleting')}
          onCancel={() => {
            setDeleting(false);
            focusTitle();
          }}
          onAction={async () => {
            await del(`/api/v1/${type.name}/${encodeURIComponent(r.id)}`);
            route(base);
          }}
        >
          {t(m.deleteQuestion, { name: type.nameOf(r) })}
        </Confirm>
      )}
      <Loading value={record} what={t(m.title)} retry={() => void reload()}>
        {(loaded) =>
          editing ? (
            <TypeForm
              type={type}
              record={loaded}
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
            <div class="crm-record-grid">
              <section class="card" aria-labelledby="record-details">
                <h2 id="record-details">{t(m.details)}</h2>
                <dl class="facts">
                  {type.facts.map((f, i) => (
                    <>
                      <dt key={`t${i}`}>{f.label()}</dt>
                      <dd key={`d${i}`}>{f.value(loaded)}</dd>
                    </>
                  ))}
                  <dt>{t(m.changed)}</dt>
                  <dd>{dateTime(loaded.updatedAt)}</dd>
                </dl>
              </section>
            </div>
          )
        }
      </Loading>
    </Page>
  );
}
