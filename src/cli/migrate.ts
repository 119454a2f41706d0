import { loadConfig } from '../config.ts';
import { migrateToLatest, openStore } from '../db/database.ts';
import { type Output, UsageError } from './output.ts';

export async function migrateCommand(args: string[], output: Output): Promise<number> {
  if (args.length > 0) throw new UsageError(`it takes no arguments, but was given "${args.join(' ')}".`);
  const config = loadConfig();
  const store = openStore(config.databaseUrl);
  try {
    const result = await migrateToLatest(store);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    output.out(`Database: ${store.location}`);
    if (applied.length === 0) output.out('The schema is up to date; no migration was needed.');
    else for (const name of applied) output.out(`applied ${name}`);
    return 0;
  } finally {
    await store.close();
  }
}
