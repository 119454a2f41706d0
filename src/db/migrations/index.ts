// Numbered migrations, listed here rather than read from disk, so they ship with the code and
// run the same on SQLite and PostgreSQL.
import type { Migration } from 'kysely';
import * as m0001 from './0001_crm_core.ts';

export const migrations: Record<string, Migration> = {
  '0001_crm_core': m0001,
};
