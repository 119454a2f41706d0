// What every owner module of the sync tables is called with: the database (or a transaction on
// it) and, for the tables kept per mailbox and entity, the scope of the rows.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export type Db = Kysely<Database>;

/** The rows of one mailbox's sync of one entity. */
export interface SyncScope {
  mailboxId: string;
  entity: string;
}
