// `exsync user create [--admin] <email> [--name N] [--password P]`
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createCrm, isCrmError } from '../crm/index.ts';
import { migrateToLatest, openStore } from '../db/database.ts';
import { randomSecret } from '../http/auth/secrets.ts';
import { type Output, UsageError } from './output.ts';

export async function userCommand(args: string[], output: Output): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create')
    throw new UsageError(action ? `Unknown user action "${action}".` : 'Missing user action.');
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      admin: { type: 'boolean', default: false },
      name: { type: 'string' },
      password: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('user create needs exactly one email address.');
  const email = positionals[0];
  const password = values.password ?? randomSecret(18);

  const store = openStore(loadConfig().databaseUrl);
  try {
    await migrateToLatest(store);
    const crm = createCrm(store);
    const { administrators, sales } = await crm.users.ensureAdministratorsRole();
    const user = await crm.users.createUser({
      email,
      displayName: values.name ?? email.split('@')[0],
      password,
      roles: [values.admin ? administrators.id : sales.id],
    });
    output.out(`Created ${values.admin ? 'administrator' : 'user'} ${user.email} (id ${user.id}).`);
    if (!values.password) output.out(`Password: ${password}   (shown only now)`);
    return 0;
  } catch (error) {
    if (isCrmError(error)) {
      output.err(error.message);
      for (const detail of error.details ?? []) output.err(`  ${detail.path || 'input'}: ${detail.message}`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
