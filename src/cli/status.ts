import { existsSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { headVersion } from '../crm/journal.ts';
import { openStore, pendingMigrations, ping, sqliteFileOf } from '../db/database.ts';
import { migrations } from '../db/migrations/index.ts';
import { type Output, UsageError } from './output.ts';

export async function statusCommand(args: string[], output: Output): Promise<number> {
  if (args.length > 0) throw new UsageError(`it takes no arguments, but was given "${args.join(' ')}".`);
  const config = loadConfig();
  // Only looking: opening an embedded store would create its file.
  const file = sqliteFileOf(config.databaseUrl);
  if (file !== undefined && !existsSync(file)) {
    output.out(`Database:    sqlite:${file} does not exist yet.`);
    output.out('Run "exsync migrate" to create it, or "exsync serve", which creates it on start.');
    return 0;
  }
  const store = openStore(config.databaseUrl);
  try {
    output.out(`Database:    ${store.location} (${store.engine})`);
    try {
      await ping(store);
    } catch (error) {
      output.err(`The database cannot be reached: ${(error as Error).message}`);
      return 1;
    }
    const pending = await pendingMigrations(store);
    const applied = Object.keys(migrations).filter((name) => !pending.includes(name));
    output.out(
      `Migrations:  ${applied.length} applied, ${pending.length} pending${pending.length ? ` (${pending.join(', ')})` : ''}`,
    );
    if (applied.length === 0) {
      output.out('The database is empty: run "exsync migrate" (or "exsync serve", which migrates on start).');
      return 0;
    }
    const count = async (table: 'users' | 'contacts' | 'activities' | 'accounts' | 'emails') => {
      const row = await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    output.out(`Users:       ${await count('users')}`);
    output.out(`Accounts:    ${await count('accounts')}`);
    output.out(`Contacts:    ${await count('contacts')}`);
    output.out(`Activities:  ${await count('activities')}`);
    output.out(`Emails:      ${await count('emails')}`);
    output.out(`Journal:     head version ${await headVersion(store.db)}`);
    return 0;
  } finally {
    await store.close();
  }
}
