// Who else may see or edit a record (F2): listed by anyone who sees the record, granted and
// withdrawn by its owner or an administrator (the CRM core enforces both).
import { z } from 'zod';
import { shareSchema } from '../../crm/index.ts';
import type { CrmBackend } from '../crm-backend.ts';
import { type Operation, operation } from '../operation.ts';
import { idParams, schemaName, singular } from './records.ts';

const grantSchema = shareSchema
  .pick({ principalType: true, principalId: true, level: true })
  .meta({ id: 'ShareGrant' });
const targetQuery = shareSchema.pick({ principalType: true, principalId: true });
const shareList = z
  .strictObject({ items: z.array(shareSchema.meta({ id: 'Share' })) })
  .meta({ id: 'ShareList' });

export function shareRoutes(backend: CrmBackend): Operation[] {
  const shares = backend.crm.shares;
  const ops: Operation[] = [];
  for (const type of backend.recordTypes) {
    const path = `/api/v1/${type.name}/{id}/shares`;
    const tag = schemaName(type.name);
    const Name = schemaName(singular(type.name));
    const what = singular(type.name)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    const recordType = type.recordType as z.infer<typeof shareSchema>['recordType'];
    ops.push(
      operation({
        method: 'GET',
        path,
        operationId: `list${Name}Shares`,
        tag,
        summary: `Who the ${what} is shared with.`,
        auth: 'user',
        params: idParams,
        response: { status: 200, description: 'The shares.', schema: shareList },
        errors: [404],
        handler: async ({ principal, params }) => ({
          items: await shares.list(principal!, recordType, params.id),
        }),
      }),
      operation({
        method: 'PUT',
        path,
        operationId: `share${Name}`,
        tag,
        summary: `Share the ${what} with a user or role, or change that share's level (owner or administrator).`,
        auth: 'user',
        params: idParams,
        body: grantSchema,
        response: { status: 200, description: 'The share as it now is.', schema: shareSchema },
        errors: [403, 404],
        handler: async ({ principal, params, body }) =>
          shares.share(principal!, { recordType, recordId: params.id, ...body }),
      }),
      operation({
        method: 'DELETE',
        path,
        operationId: `unshare${Name}`,
        tag,
        summary: `Withdraw the share of the ${what} with one user or role (owner or administrator).`,
        auth: 'user',
        params: idParams,
        query: targetQuery,
        response: { status: 204, description: 'Withdrawn (or there was no such share).' },
        errors: [403, 404],
        handler: async ({ principal, params, query }) => {
          await shares.unshare(principal!, { recordType, recordId: params.id, ...query });
        },
      }),
    );
  }
  return ops;
}
