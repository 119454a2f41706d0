// Record access (SPEC F2). A record is visible to its owner, to users it is shared with
// (directly or through one of their roles) and to administrators; it is editable by its owner,
// by edit-level shares and by administrators. Deleting and sharing are for the owner and
// administrators only. The rules are where-clause builders so that lists filter and page in
// SQL; a record the principal may not see is reported as not_found, never as forbidden, so
// that its existence does not leak.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Principal } from './principal.ts';

/** Tables that hold owned records; record_type is what shares and the journal call them. */
export type OwnedTable = 'accounts' | 'contacts' | 'leads' | 'deals' | 'activities' | 'emails' | 'groups';

// biome-ignore lint/suspicious/noExplicitAny: the builders serve every owned table
type AnyEb = ExpressionBuilder<any, any>;

const always = sql<SqlBool>`1 = 1`;

function sharedWith(eb: AnyEb, principal: Principal, recordType: string, table: string, editOnly: boolean) {
  let shares = eb
    .selectFrom('shares')
    .select(sql`1`.as('one'))
    .where('shares.record_type', '=', recordType)
    .whereRef('shares.record_id', '=', `${table}.id`);
  if (editOnly) shares = shares.where('shares.level', '=', 'edit');
  shares = shares.where((s: AnyEb) => {
    const grantees = [
      s.and([s('shares.principal_type', '=', 'user'), s('shares.principal_id', '=', principal.userId)]),
    ];
    if (principal.roleIds.length > 0) {
      grantees.push(
        s.and([s('shares.principal_type', '=', 'role'), s('shares.principal_id', 'in', principal.roleIds)]),
      );
    }
    return s.or(grantees);
  });
  return eb.exists(shares);
}

/** Where-clause: rows of `table` the principal may read. */
export function visibleTo(principal: Principal, recordType: string, table: string) {
  return (eb: AnyEb): Expression<SqlBool> => {
    if (principal.isAdmin) return always;
    return eb.or([
      eb(`${table}.owner_id`, '=', principal.userId),
      sharedWith(eb, principal, recordType, table, false),
    ]);
  };
}

/** Where-clause: rows of `table` the principal may change. */
export function editableBy(principal: Principal, recordType: string, table: string) {
  return (eb: AnyEb): Expression<SqlBool> => {
    if (principal.isAdmin) return always;
    return eb.or([
      eb(`${table}.owner_id`, '=', principal.userId),
      sharedWith(eb, principal, recordType, table, true),
    ]);
  };
}

/** What the principal may do with one record: none (invisible), read, edit, or own (delete, share). */
export type AccessLevel = 'none' | 'read' | 'edit' | 'own';

export async function accessLevel(
  db: Kysely<Database>,
  principal: Principal,
  recordType: string,
  table: OwnedTable,
  id: string,
): Promise<{ level: AccessLevel; ownerId?: string }> {
  // biome-ignore lint/suspicious/noExplicitAny: generic over the owned tables
  const anyDb = db as unknown as Kysely<any>;
  const row = await anyDb
    .selectFrom(table)
    .select(`${table}.owner_id as owner_id`)
    .where(`${table}.id`, '=', id)
    .where(visibleTo(principal, recordType, table))
    .executeTakeFirst();
  if (!row) return { level: 'none' };
  const ownerId = row.owner_id as string;
  if (principal.isAdmin || ownerId === principal.userId) return { level: 'own', ownerId };
  const editable = await anyDb
    .selectFrom(table)
    .select(sql`1`.as('one'))
    .where(`${table}.id`, '=', id)
    .where(editableBy(principal, recordType, table))
    .executeTakeFirst();
  return { level: editable ? 'edit' : 'read', ownerId };
}

export function canRead(level: AccessLevel): boolean {
  return level !== 'none';
}
export function canEdit(level: AccessLevel): boolean {
  return level === 'edit' || level === 'own';
}
export function canOwn(level: AccessLevel): boolean {
  return level === 'own';
}

/** The table holding each record type that can be owned and shared. */
export const TABLE_OF = {
  contact: 'contacts',
  account: 'accounts',
  activity: 'activities',
  email: 'emails',
  lead: 'leads',
  deal: 'deals',
  group: 'groups',
} as const satisfies Record<string, OwnedTable>;
