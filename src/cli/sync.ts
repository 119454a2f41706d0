// `exsync sync <mailbox address or id> [--entity contacts|meetings|tasks]`: one sync run in the foreground
// (SPEC G4), with the run's counts printed; exit 1 with the reason when it fails or is refused.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createCrm } from '../crm/index.ts';
import { openStore, type Store } from '../db/database.ts';
import { createMailboxSync, isSyncError } from '../mailbox-sync/index.ts';
import { createMailboxDomain } from '../mailboxes/index.ts';
import { findMailboxRow, mailboxRowsOfAddress } from '../mailboxes/mailbox-rows.ts';
import { secretBoxFromConfig } from '../secrets/index.ts';
import type { RunRecord } from '../sync/store/runs.ts';
import { type Output, UsageError } from './output.ts';

async function findMailbox(store: Store, ref: string): Promise<{ id: string; address: string } | string> {
  const byId = await findMailboxRow(store.db, ref);
  if (byId) return { id: byId.id, address: byId.address };
  const rows = await mailboxRowsOfAddress(store.db, ref.trim().toLowerCase());
  const live = rows.filter((r) => r.status !== 'disconnected');
  if (live.length === 1) return live[0];
  if (live.length > 1)
    return `${ref} is connected more than once (${live.map((r) => r.id).join(', ')}); give the mailbox id instead.`;
  if (rows.length > 0) return `The mailbox ${ref} is disconnected; add it again to sync it.`;
  return `No mailbox ${ref} exists. List mailboxes with GET /api/v1/mailboxes.`;
}

export function describeRun(run: RunRecord): string[] {
  const line = (side: 'import' | 'export') => {
    const c = run.counts[side];
    return `  ${side === 'import' ? 'Exchange → CRM' : 'CRM → Exchange'}: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unlinked} unlinked`;
  };
  return [
    `Run ${run.id}: ${run.status} in ${run.durationMs ?? 0} ms`,
    line('import'),
    line('export'),
    `  conflicts: ${run.conflicts}, skipped: ${run.skipped.length}, errors: ${run.errors.length}`,
    ...run.skipped.slice(0, 10).map((s) => `  skipped ${s.ref}: ${s.reason}`),
    ...run.errors.slice(0, 10).map((e) => `  error ${e.ref}: ${e.code}: ${e.message}`),
  ];
}

export async function syncCommand(args: string[], output: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { entity: { type: 'string', default: 'contacts' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('it needs one mailbox address or id.');
  const config = loadConfig();
  const store = openStore(config.databaseUrl);
  try {
    const found = await findMailbox(store, positionals[0]);
    if (typeof found === 'string') {
      output.err(found);
      return 1;
    }
    const crm = createCrm(store);
    const domain = createMailboxDomain({
      store,
      secrets: secretBoxFromConfig(config),
      publicUrl: config.publicUrl,
      allowPrivateAddresses: config.allowPrivateAddresses,
    });
    const sync = createMailboxSync({ crm, domain });
    output.out(`Syncing ${values.entity} of ${found.address} (${found.id}) …`);
    try {
      const run = await sync.runNow(found.id, values.entity ?? 'contacts', 'cli');
      for (const l of describeRun(run)) output.out(l);
      if (run.status === 'failed') {
        output.err(`The sync failed: ${run.errors.map((e) => e.message).join('; ') || 'see the run record'}`);
        return 1;
      }
      if (run.status === 'held')
        output.out('The mass-delete guard held the deletes; an administrator approves or unlinks them.');
      return 0;
    } catch (error) {
      if (isSyncError(error)) {
        output.err(`${error.message} (${error.code})`);
        return 1;
      }
      throw error;
    }
  } finally {
    await store.close();
  }
}
