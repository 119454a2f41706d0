// Writing records: create (one or a batch), update and delete, each in the caller's
// transaction with the journal lock held. Every write journals the fields it changed and
// stamps the record with the journal's version, so the sync engine sees it exactly once.
import { accessLevel, canEdit, canOwn } from './access.ts';
import type { AnyDb, AnyRow, PathOf, RecordDefinition, WriteContext } from './definition.ts';
import { CrmError, forbidden, notFound } from './errors.ts';
import { newIds } from './ids.ts';
import { appendChanges, type ChangeEntry } from './journal.ts';
import { checkOwners, checkReferences, checkRules, singlePath } from './record-checks.ts';
import { columnEntries, columnsOf, recordFromRow, toColumn } from './record-columns.ts';
import { loadRecords, visibleRecords } from './record-reads.ts';
import { insertRows } from './rows.ts';

/** Keeps email_index current for the records' addresses; `replace` drops their old rows first. */
async function writeEmailIndex(
  ctx: WriteContext,
  def: RecordDefinition,
  records: Array<{ id: string; record: AnyRow }>,
  replace: boolean,
): Promise<void> {
  const index = def.emailIndex;
  if (!index) return;
  if (replace) {
    for (const r of records) {
      await ctx.trx
        .deleteFrom('email_index')
        .where('record_type', '=', index.recordType)
        .where('record_id', '=', r.id)
        .execute();
    }
  }
  const rows = records.flatMap((r) =>
    [...new Set(index.addresses(r.record).map((a) => a.toLowerCase()))].map((address) => ({
      record_type: index.recordType,
      record_id: r.id,
      address,
    })),
  );
  await insertRows(ctx.trx, 'email_index', rows);
}

const rowTemplates = new WeakMap<RecordDefinition, AnyRow>();

/**
 * The row of a new record, in the column order insertRows lists (id, owner, the definition's
 * columns, derived and fixed values, timestamps, version); a later value wins, as derived and
 * fixed values must. Each row starts as a copy of an all-null row of the definition's shape:
 * filling in keys that exist is several times cheaper than adding two dozen keys one by one,
 * which was a visible share of a batch write.
 */
function createdRow(
  ctx: WriteContext,
  def: RecordDefinition,
  id: string,
  record: AnyRow,
  version: number,
): AnyRow {
  const template = rowTemplates.get(def);
  const row: AnyRow = template ? { ...template } : {};
  row.id = id;
  row.owner_id = (record.ownerId as string | undefined) ?? ctx.principal.userId;
  for (const [field, spec] of columnEntries(def)) row[spec.column] = toColumn(spec, record[field]);
  if (def.derive) Object.assign(row, def.derive(record));
  if (def.fixed) Object.assign(row, def.fixed);
  row.created_at = ctx.now;
  row.updated_at = ctx.now;
  row.version = version;
  if (!template) rowTemplates.set(def, Object.fromEntries(Object.keys(row).map((column) => [column, null])));
  return row;
}

/** Creates parsed records; returns what get() would, built from what was written. */
export async function insertRecords(
  ctx: WriteContext,
  def: RecordDefinition,
  inputs: AnyRow[],
  pathOf: PathOf,
): Promise<AnyRow[]> {
  const records = inputs.map((input) => ({ ...def.defaults(input), ...input }));
  checkRules(def, records, pathOf);
  await checkOwners(
    ctx,
    def,
    records.map((r, index) => ({
      index,
      ownerId: (r.ownerId as string | undefined) ?? ctx.principal.userId,
    })),
    pathOf,
  );
  await checkReferences(
    ctx,
    def,
    records.map((values, index) => ({ index, values })),
    pathOf,
  );
  const resolvedChildren = new Map<string, unknown[]>();
  for (const child of def.children ?? []) {
    const values = records.map((r, index) => ({ index, value: r[child.field] ?? child.empty }));
    resolvedChildren.set(child.field, await child.resolve(ctx, values, pathOf));
  }
  if (def.validateWrite) {
    await def.validateWrite(
      ctx,
      records.map((record, index) => ({ index, record })),
      pathOf,
    );
  }
  const ids = newIds(records.length);
  const childFields = new Set((def.children ?? []).map((c) => c.field));
  const entries: ChangeEntry[] = inputs.map((input, i) => ({
    recordType: def.recordType,
    recordId: ids[i],
    operation: 'create',
    fields: Object.keys(input).filter((f) => f in def.columns || childFields.has(f) || f === 'ownerId'),
  }));
  const versions = await appendChanges(ctx.trx, entries, ctx.principal);
  const rows = records.map((record, i) => createdRow(ctx, def, ids[i], record, versions[i]));
  await insertRows(ctx.trx, def.table, rows);
  for (const child of def.children ?? []) {
    const values = resolvedChildren.get(child.field)!;
    await child.insert(
      ctx,
      ids.map((id, i) => ({ id, value: values[i] })),
    );
  }
  await writeEmailIndex(
    ctx,
    def,
    records.map((record, i) => ({ id: ids[i], record })),
    false,
  );
  // What get() would return, built from what was just written rather than read back (the
  // batch path must stay a few statements per batch); child collections given are loaded.
  const created = rows.map((row, i) => {
    const out = recordFromRow(def, row, records[i]);
    out.version = versions[i];
    return out;
  });
  await attachNewChildren(ctx, def, created, resolvedChildren);
  return created;
}

/**
 * Attaches the child collections of records just created. Only the records given values in a
 * collection are read back (load() adds names and order); the others have no rows in it, which a
 * batch without, say, groups no longer asks the database to confirm.
 */
async function attachNewChildren(
  ctx: WriteContext,
  def: RecordDefinition,
  created: AnyRow[],
  resolvedChildren: Map<string, unknown[]>,
): Promise<void> {
  for (const child of def.children ?? []) {
    const values = resolvedChildren.get(child.field)!;
    const given = created.filter((_, i) => !Array.isArray(values[i]) || values[i].length > 0);
    const loaded =
      given.length > 0
        ? await child.load(
            ctx.trx,
            ctx.principal,
            given.map((o) => o.id as string),
          )
        : new Map<string, AnyRow>();
    for (const o of created) Object.assign(o, loaded.get(o.id) ?? child.none());
  }
}

/**
 * Applies a parsed patch to a record the principal may edit. Only fields whose stored value
 * changes are written and journalled; a patch that changes nothing writes nothing.
 */
export async function updateRecord(
  ctx: WriteContext,
  def: RecordDefinition,
  id: string,
  data: AnyRow,
): Promise<void> {
  const { trx, principal } = ctx;
  const { level } = await accessLevel(trx, principal, def.recordType, def.table, id);
  const current = level === 'none' ? undefined : (await loadRecords(trx, def, principal, [id]))[0];
  if (!current) throw notFound(def.label, id);
  if (!canEdit(level)) throw forbidden(`change ${def.label} "${id}"`);
  const { ifVersion, ...changes } = data;
  if (ifVersion !== undefined && ifVersion !== current.version) {
    throw new CrmError(
      'conflict',
      `The ${def.label} changed since you read it (now at version ${current.version}, you had ${ifVersion}); read it again and reapply your change.`,
      [{ path: 'ifVersion', message: `stale: current version is ${current.version}` }],
    );
  }
  const ownerChanges = changes.ownerId !== undefined && changes.ownerId !== current.ownerId;
  if (ownerChanges) {
    if (!canOwn(level)) throw forbidden(`give ${def.label} "${id}" to another user`);
    await checkOwners(ctx, def, [{ index: 0, ownerId: changes.ownerId }], singlePath);
  }
  const merged = { ...current, ...changes };
  checkRules(def, [merged], singlePath);
  const referenced: AnyRow = {};
  for (const ref of def.references ?? [])
    if (ref.field in changes) referenced[ref.field] = changes[ref.field];
  await checkReferences(ctx, def, [{ index: 0, values: referenced }], singlePath);

  const changed: string[] = [];
  const currentRow = columnsOf(def, current);
  const newRow = columnsOf(def, changes);
  for (const [field, spec] of columnEntries(def)) {
    if (spec.column in newRow) {
      if (JSON.stringify(newRow[spec.column]) !== JSON.stringify(currentRow[spec.column] ?? null))
        changed.push(field);
    }
  }
  if (ownerChanges) changed.push('ownerId');
  const childUpdates: Array<{ field: string; value: unknown }> = [];
  for (const child of def.children ?? []) {
    if (!(child.field in changes)) continue;
    const [resolved] = await child.resolve(ctx, [{ index: 0, value: changes[child.field] }], singlePath);
    if (!child.equals(current, resolved)) {
      changed.push(child.field);
      childUpdates.push({ field: child.field, value: resolved });
    }
  }
  if (def.validateWrite) await def.validateWrite(ctx, [{ index: 0, id, record: merged }], singlePath);
  if (changed.length === 0) return;

  const [version] = await appendChanges(
    trx,
    [{ recordType: def.recordType, recordId: id, operation: 'update', fields: changed }],
    principal,
  );
  const set: AnyRow = { ...(def.derive?.(merged) ?? {}), updated_at: ctx.now, version };
  for (const field of changed) {
    const spec = def.columns[field];
    if (spec) set[spec.column] = newRow[spec.column];
  }
  if (changed.includes('ownerId')) set.owner_id = changes.ownerId;
  await (trx as unknown as AnyDb).updateTable(def.table).set(set).where('id', '=', id).execute();
  for (const u of childUpdates)
    await def.children!.find((c) => c.field === u.field)!.replace(ctx, id, u.value);
  if (def.emailIndex?.fields.some((f) => changed.includes(f))) {
    await writeEmailIndex(ctx, def, [{ id, record: merged }], true);
  }
}

/** Deletes a record its owner (or an administrator) deletes, with its shares, memberships and index rows. */
export async function deleteRecord(ctx: WriteContext, def: RecordDefinition, id: string): Promise<void> {
  const { trx, principal } = ctx;
  const { level } = await accessLevel(trx, principal, def.recordType, def.table, id);
  const visible =
    level !== 'none' &&
    (await visibleRecords(trx, def, principal).where(`${def.table}.id`, '=', id).executeTakeFirst());
  if (!visible) throw notFound(def.label, id);
  if (!canOwn(level)) throw forbidden(`delete ${def.label} "${id}" (only its owner or an administrator may)`);
  await def.beforeDelete?.(ctx, id);
  await trx
    .deleteFrom('shares')
    .where('record_type', '=', def.recordType)
    .where('record_id', '=', id)
    .execute();
  await trx.deleteFrom('group_members').where('record_id', '=', id).execute();
  if (def.emailIndex) {
    await trx
      .deleteFrom('email_index')
      .where('record_type', '=', def.emailIndex.recordType)
      .where('record_id', '=', id)
      .execute();
  }
  await appendChanges(
    trx,
    [{ recordType: def.recordType, recordId: id, operation: 'delete', fields: [] }],
    principal,
  );
  await (trx as unknown as AnyDb).deleteFrom(def.table).where('id', '=', id).execute();
}
