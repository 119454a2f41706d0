// Personal API tokens of the signed-in user.
import { z } from 'zod';
import { instant } from '../../crm/fields.ts';
import type { ApiTokenStore } from '../auth/api-tokens.ts';
import { credentialOf } from '../auth/authenticate.ts';
import { ApiError } from '../errors.ts';
import { type Operation, operation } from '../operation.ts';
import { idParams } from './records.ts';

const tokenInfoSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    createdAt: instant,
    lastUsedAt: instant.nullable().meta({ description: 'Within a minute.' }),
    expiresAt: instant.nullable().meta({ description: 'Null: valid until revoked.' }),
  })
  .meta({ id: 'ApiToken' });

const createdTokenSchema = tokenInfoSchema
  .extend({
    token: z.string().meta({ description: 'The token itself. Shown only now: store it safely.' }),
  })
  .meta({ id: 'ApiTokenCreated' });

const createTokenSchema = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: 'What the token is for, e.g. "nightly export".' }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .meta({ description: 'When it stops working; omit or null for never.' }),
  })
  .meta({ id: 'ApiTokenCreate' });

export function tokenRoutes(tokens: ApiTokenStore): Operation[] {
  return [
    operation({
      method: 'GET',
      path: '/api/v1/tokens',
      operationId: 'listTokens',
      tag: 'Tokens',
      summary: 'Your personal API tokens (without the secrets).',
      auth: 'user',
      response: {
        status: 200,
        description: 'Your tokens.',
        schema: z.strictObject({ items: z.array(tokenInfoSchema) }),
      },
      errors: [],
      handler: async ({ principal }) => ({ items: await tokens.list(principal!.userId) }),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/tokens',
      operationId: 'createToken',
      tag: 'Tokens',
      summary: 'Create a personal API token; send it as "Authorization: Bearer <token>".',
      description:
        'Only a signed-in session may create tokens (a token gets 403 session_required), so that a leaked token cannot make more of itself. Changing your password revokes all your tokens.',
      auth: 'user',
      body: createTokenSchema,
      response: { status: 201, description: 'The token, shown this once.', schema: createdTokenSchema },
      errors: [403],
      handler: async ({ request, principal, body }) => {
        if (credentialOf(request)?.kind !== 'session') {
          throw new ApiError(
            403,
            'session_required',
            'API tokens are created from a signed-in session, not with another token. Sign in with POST /api/v1/auth/login (or use the web UI) and create the token there.',
          );
        }
        const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
        if (expiresAt && expiresAt.getTime() <= Date.now()) {
          throw new ApiError(
            422,
            'validation_failed',
            'expiresAt is in the past; give a future time or none.',
            {
              details: [{ path: 'expiresAt', message: 'must be in the future' }],
            },
          );
        }
        const { token, info } = await tokens.create(
          principal!.userId,
          body.name,
          expiresAt?.toISOString() ?? null,
        );
        return { ...info, token };
      },
    }),
    operation({
      method: 'DELETE',
      path: '/api/v1/tokens/{id}',
      operationId: 'revokeToken',
      tag: 'Tokens',
      summary: 'Revoke one of your tokens; it stops working at once.',
      auth: 'user',
      params: idParams,
      response: { status: 204, description: 'Revoked.' },
      errors: [404],
      handler: async ({ principal, params }) => {
        if (!(await tokens.revoke(principal!.userId, params.id))) {
          throw new ApiError(
            404,
            'not_found',
            `You have no API token with id "${params.id}". List yours with GET /api/v1/tokens.`,
          );
        }
      },
    }),
  ];
}
