// The change journal, read-only, for administrators diagnosing sync.
import { z } from 'zod';
import { SYNCED_RECORD_TYPES } from '../../crm/index.ts';
import type { CrmBackend } from '../crm-backend.ts';
import { ApiError } from '../errors.ts';
import { type Operation, operation } from '../operation.ts';

const changeSchema = z
  .strictObject({
    version: z.number().int(),
    recordType: z.enum(SYNCED_RECORD_TYPES),
    recordId: z.string(),
    operation: z.enum(['create', 'update', 'delete']),
    fields: z.array(z.string()).meta({ description: 'API fields written (empty for deletes).' }),
    actorUserId: z.string().nullable(),
    actorMailboxId: z
      .string()
      .nullable()
      .meta({ description: 'Set when the sync of this mailbox wrote it.' }),
    at: z.string(),
  })
  .meta({ id: 'Change' });

const changePage = z
  .strictObject({
    items: z.array(changeSchema),
    head: z.number().int().meta({ description: 'The latest version at the time of the call.' }),
    next: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Pass as since for more; null when none are left.' }),
  })
  .meta({ id: 'ChangePage' });

const query = z.strictObject({
  since: z
    .string()
    .regex(/^\d+$/, 'must be a whole number (a journal version)')
    .optional()
    .meta({ description: 'Changes after this version (default 0).' }),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .optional()
    .meta({ description: '1 to 1000 (default 100).' }),
});

export function changeRoutes(backend: CrmBackend): Operation[] {
  return [
    operation({
      method: 'GET',
      path: '/api/v1/changes',
      operationId: 'listChanges',
      tag: 'Diagnostics',
      summary: 'The change journal after a version, oldest first (administrators only).',
      auth: 'user',
      query,
      response: { status: 200, description: 'Changes.', schema: changePage },
      errors: [403],
      handler: async ({ principal, query }) => {
        if (!principal!.isAdmin) {
          throw new ApiError(403, 'forbidden', 'Only administrators may read the change journal.');
        }
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        if (limit < 1 || limit > 1000) {
          throw new ApiError(422, 'validation_failed', 'limit must be from 1 to 1000.', {
            details: [{ path: 'limit', message: 'must be from 1 to 1000' }],
          });
        }
        const since = Number(query.since ?? 0);
        const head = await backend.crm.journal.headVersion();
        const items = await backend.crm.journal.changesSince(since, limit);
        const last = items.at(-1)?.version;
        return { items, head, next: items.length === limit && last !== undefined ? last : null };
      },
    }),
  ];
}
