// `exsync contacts export [--out FILE] [--user EMAIL] [--delimiter ;] [--bom]` and
// `exsync contacts import FILE [--user EMAIL] [--dry-run] [--delimiter ;]`: the CSV of B6 from
// the command line. Without --user, export sees every contact and import acts as the first
// administrator (the operator of the command line can read the database anyway).

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { type Crm, createCrm, isCrmError } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import {
  CsvSyntaxError,
  type Delimiter,
  decodeCsv,
  exportContactsCsv,
  importContactsCsv,
} from '../csv/index.ts';
import { migrateToLatest, openStore } from '../db/database.ts';
import { type Output, UsageError } from './output.ts';

const OPERATOR_VIEW: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };

async function principalOf(crm: Crm, email: string | undefined, needsOwner: boolean): Promise<Principal> {
  if (email) {
    const user = await crm.users.findByEmail(email);
    if (!user) throw new UsageError(`No user with the email address ${email}.`);
    return crm.users.principalFor(user.id);
  }
  if (!needsOwner) return OPERATOR_VIEW;
  const { administrators } = await crm.users.ensureAdministratorsRole();
  const page = await crm.users.list(OPERATOR_VIEW, { limit: 500 });
  const admin = page.items.find((u) => u.active && u.roles.some((r) => r.id === administrators.id));
  if (!admin)
    throw new UsageError('There is no active administrator to own the contacts; pass --user EMAIL.');
  return crm.users.principalFor(admin.id);
}

function delimiterOf(value: string | undefined): Delimiter | undefined {
  if (value === undefined) return undefined;
  if (value === 'tab' || value === '\t') return '\t';
  if (value === ',' || value === ';') return value;
  throw new UsageError(`--delimiter must be , ; or tab, not "${value}".`);
}

export async function contactsCommand(args: string[], output: Output): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'export' && action !== 'import')
    throw new UsageError(
      action ? `Unknown contacts action "${action}".` : 'Missing contacts action (export or import).',
    );
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      user: { type: 'string' },
      delimiter: { type: 'string' },
      bom: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (action === 'export' && positionals.length > 0)
    throw new UsageError('contacts export takes no file name; use --out FILE.');
  if (action === 'import' && positionals.length !== 1)
    throw new UsageError('contacts import needs exactly one CSV file.');
  const delimiter = delimiterOf(values.delimiter);
  const bytes = action === 'import' ? await readFile(positionals[0]) : undefined;

  const store = openStore(loadConfig().databaseUrl);
  try {
    await migrateToLatest(store);
    const crm = createCrm(store);
    const principal = await principalOf(crm, values.user, action === 'import');
    if (action === 'export') {
      const chunks = await exportContactsCsv(crm, principal, { delimiter, bom: values.bom });
      const sink = values.out ? createWriteStream(values.out) : process.stdout;
      for await (const chunk of chunks) if (!sink.write(chunk)) await once(sink, 'drain');
      if (values.out) {
        await new Promise<void>((resolve, reject) =>
          (sink as ReturnType<typeof createWriteStream>).end((error?: Error | null) =>
            error ? reject(error) : resolve(),
          ),
        );
        output.err(`Contacts written to ${values.out}.`);
      }
      return 0;
    }
    const { text, warning } = decodeCsv(bytes!);
    const summary = await importContactsCsv(crm, principal, text, { dryRun: values['dry-run'], delimiter });
    if (warning) summary.warnings.unshift(warning);
    output.out(
      `${summary.dryRun ? 'Dry run, nothing written: would create' : 'Created'} ${summary.created}, ${summary.dryRun ? 'update' : 'updated'} ${summary.updated}, failed ${summary.failed.length}.`,
    );
    for (const w of summary.warnings) output.err(`warning: ${w.message}`);
    for (const row of summary.failed)
      for (const e of row.errors)
        output.err(`line ${row.line}: ${e.field ? `${e.field}: ` : ''}${e.message}`);
    return summary.failed.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      output.err(`${positionals[0]} is not valid CSV: ${error.message}`);
      return 1;
    }
    if (isCrmError(error)) {
      output.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
