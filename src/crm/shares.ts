// Sharing records with users or roles, for reading or editing (F2). Only the owner and
// administrators share and unshare; a share changes who may see a record, so it is journaled
// (field `shares`) for the sync to re-evaluate access (E5).
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Store } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { accessLevel, canOwn, TABLE_OF } from './access.ts';
import { CrmError, forbidden, notFound, parseInput } from './errors.ts';
import { idSchema } from './fields.ts';
import { SYNCED_RECORD_TYPES } from './journal.ts';
import type { Principal } from './principal.ts';
import { inTransaction } from './repository.ts';
import { touchRecords } from './touch.ts';

export const shareTargetSchema = z.strictObject({
  recordType: z.enum(SYNCED_RECORD_TYPES),
  recordId: idSchema,
  principalType: z.enum(['user', 'role']),
  principalId: idSchema,
});
export const shareSchema = shareTargetSchema.extend({
  level: z.enum(['read', 'edit']).meta({ description: 'read: see it; edit: also change it.' }),
});
export type Share = z.infer<typeof shareSchema>;
export type ShareTarget = z.infer<typeof shareTargetSchema>;

export function createShares(store: Store) {
  async function requireOwnership(trx: Kysely<Database>, principal: Principal, target: ShareTarget) {
    const { level } = await accessLevel(
      trx,
      principal,
      target.recordType,
      TABLE_OF[target.recordType],
      target.recordId,
    );
    if (level === 'none') throw notFound(target.recordType, target.recordId);
    if (!canOwn(level))
      throw forbidden(
        `share ${target.recordType} "${target.recordId}" (only its owner or an administrator may)`,
      );
  }

  return {
    /** Shares of one record the principal can see. */
    async list(principal: Principal, recordType: Share['recordType'], recordId: string): Promise<Share[]> {
      const target = parseInput(shareTargetSchema.pick({ recordType: true, recordId: true }), {
        recordType,
        recordId,
      });
      const { level } = await accessLevel(
        store.db,
        principal,
        target.recordType,
        TABLE_OF[target.recordType],
        recordId,
      );
      if (level === 'none') throw notFound(recordType, recordId);
      const rows = await store.db
        .selectFrom('shares')
        .selectAll()
        .where('record_type', '=', recordType)
        .where('record_id', '=', recordId)
        .orderBy('principal_type')
        .orderBy('principal_id')
        .execute();
      return rows.map((r) => ({
        recordType,
        recordId,
        principalType: r.principal_type,
        principalId: r.principal_id,
        level: r.level,
      }));
    },

    /** Grants (or changes) a share. */
    async share(principal: Principal, input: Share): Promise<Share> {
      const share = parseInput(shareSchema, input);
      await inTransaction(store, async (trx) => {
        await requireOwnership(trx, principal, share);
        const table = share.principalType === 'user' ? 'users' : 'roles';
        const exists = await trx
          .selectFrom(table)
          .select('id')
          .where('id', '=', share.principalId)
          .executeTakeFirst();
        if (!exists) {
          throw new CrmError(
            'invalid_reference',
            `principalId: no ${share.principalType} "${share.principalId}"`,
            [{ path: 'principalId', message: `no ${share.principalType} with this id` }],
          );
        }
        const where = {
          record_type: share.recordType,
          record_id: share.recordId,
          principal_type: share.principalType,
          principal_id: share.principalId,
        };
        const current = await trx
          .selectFrom('shares')
          .select('level')
          .where('record_type', '=', where.record_type)
          .where('record_id', '=', where.record_id)
          .where('principal_type', '=', where.principal_type)
          .where('principal_id', '=', where.principal_id)
          .executeTakeFirst();
        if (current?.level === share.level) return;
        if (current) {
          await trx
            .updateTable('shares')
            .set({ level: share.level })
            .where('record_type', '=', where.record_type)
            .where('record_id', '=', where.record_id)
            .where('principal_type', '=', where.principal_type)
            .where('principal_id', '=', where.principal_id)
            .execute();
        } else {
          await trx
            .insertInto('shares')
            .values({ ...where, level: share.level })
            .execute();
        }
        await touchRecords(
          { trx, principal, now: new Date().toISOString() },
          share.recordType,
          [share.recordId],
          ['shares'],
        );
      });
      return share;
    },

    /** Withdraws a share; withdrawing one that does not exist changes nothing. */
    async unshare(principal: Principal, input: ShareTarget): Promise<void> {
      const target = parseInput(shareTargetSchema, input);
      await inTransaction(store, async (trx) => {
        await requireOwnership(trx, principal, target);
        const result = await trx
          .deleteFrom('shares')
          .where('record_type', '=', target.recordType)
          .where('record_id', '=', target.recordId)
          .where('principal_type', '=', target.principalType)
          .where('principal_id', '=', target.principalId)
          .executeTakeFirst();
        if (Number(result.numDeletedRows) > 0) {
          await touchRecords(
            { trx, principal, now: new Date().toISOString() },
            target.recordType,
            [target.recordId],
            ['shares'],
          );
        }
      });
    },
  };
}

export type ShareService = ReturnType<typeof createShares>;
