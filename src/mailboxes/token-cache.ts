// A mailbox's MSAL token cache, kept encrypted in its row: MSAL reads it before each token
// request and writes it back when a token was refreshed.
import type { TokenCacheStore } from '../connectors/index.ts';
import { secretContext } from './connector-factory.ts';
import { type MailboxContext, nowIso } from './context.ts';

export function mailboxTokenCache(ctx: MailboxContext, mailboxId: string): TokenCacheStore {
  return {
    async load() {
      const row = await ctx.db
        .selectFrom('mailboxes')
        .select('token_cache_enc')
        .where('id', '=', mailboxId)
        .executeTakeFirst();
      return row?.token_cache_enc
        ? ctx.secrets.open(row.token_cache_enc, secretContext.tokenCache(mailboxId))
        : undefined;
    },
    async save(serialized) {
      await ctx.db
        .updateTable('mailboxes')
        .set({
          token_cache_enc: ctx.secrets.seal(serialized, secretContext.tokenCache(mailboxId)),
          updated_at: nowIso(ctx),
        })
        .where('id', '=', mailboxId)
        // A disconnected mailbox keeps no tokens, even if a refresh was in flight.
        .where('status', '<>', 'disconnected')
        .execute();
    },
  };
}
