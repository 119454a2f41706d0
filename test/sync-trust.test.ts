// Promises sync makes to users, through the REST API against the sandbox (SPEC E3, E5, E7): the
// mass-delete guard is the administrator's (a mailbox may be stricter, never looser), a failed
// run shows in the mailbox's health and is retried, a queued run survives a restart, shutdown
// ends a hung run cleanly, and a new start frees the leases of its dead predecessor.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxSync, type MailboxSyncOptions } from '../src/mailbox-sync/index.ts';
import { createMailboxDomain } from '../src/mailboxes/index.ts';
import { createSecretBox } from '../src/secrets/index.ts';
import { latestRuns } from '../src/sync/store/runs.ts';
import { claimLease } from '../src/sync/store/states.ts';
import { createMailboxWorld, type MailboxWorld } from './mailboxes-support.ts';
import { addMailServices, connectMailbox, runNow } from './support/sync-api.ts';

let w: MailboxWorld;

beforeAll(async () => {
  w = await createMailboxWorld();
  await addMailServices(w, w.exchangeService());
});

afterAll(async () => {
  await w?.close();
});

describe("the mass-delete guard is the administrator's", () => {
  it('refuses a user share above the organisation limit, with the limit in the message', async () => {
    const mailbox = await connectMailbox(w, w.h.alice);
    const policy = await w.call(w.h.alice, { method: 'GET', url: '/api/v1/sync/policy' });
    expect(policy.json()).toEqual({ massDeleteShare: 0.2, phoneCountry: null });
    const loose = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { massDeleteShare: 1 } },
    });
    expect(loose.statusCode).toBe(422);
    expect(loose.json().error.message).toMatch(/at most 20 %, the administrator's limit/);
    const stricter = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { massDeleteShare: 0.1 } },
    });
    expect(stricter.statusCode).toBe(200);
    expect(stricter.json().contacts.massDeleteShare).toBe(0.1);

    // Only an administrator moves the limit.
    const byUser = await w.call(w.h.alice, {
      method: 'PUT',
      url: '/api/v1/sync/policy',
      payload: { massDeleteShare: 1 },
    });
    expect(byUser.statusCode).toBe(403);
    const byAdmin = await w.call(w.h.admin, {
      method: 'PUT',
      url: '/api/v1/sync/policy',
      payload: { massDeleteShare: 0.5 },
    });
    expect(byAdmin.json()).toEqual({ massDeleteShare: 0.5, phoneCountry: null });
    const nowAllowed = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { massDeleteShare: 0.5 } },
    });
    expect(nowAllowed.statusCode).toBe(200);
  });

  it('holds a run by the organisation limit even when the mailbox stored a looser share', async () => {
    await w.call(w.h.admin, { method: 'PUT', url: '/api/v1/sync/policy', payload: { massDeleteShare: 0.2 } });
    const mailbox = await connectMailbox(w, w.h.alice);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const item = await w.sandbox.admin.createItem(mailbox.address, 'contacts', 'contact', {
        givenName: 'Guarded',
        surname: `Contact ${i}`,
        displayName: `Guarded Contact ${i}`,
        emailAddresses: [],
      });
      ids.push(item.id);
    }
    await runNow(w, w.h.alice, mailbox.id);
    // As if saved before the administrator set the limit (or written around the API).
    await w.h.store.db
      .insertInto('mailbox_sync_settings')
      .values({
        mailbox_id: mailbox.id,
        entity: 'contacts',
        settings: JSON.stringify({ massDeleteShare: 1 }),
        updated_at: new Date().toISOString(),
        updated_by: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['mailbox_id', 'entity'])
          .doUpdateSet({ settings: JSON.stringify({ massDeleteShare: 1 }) }),
      )
      .execute();
    for (const id of ids.slice(0, 6)) await w.sandbox.admin.deleteItem(mailbox.address, id);
    await runNow(w, w.h.alice, mailbox.id, 'held');
  });
});

/** Another Exsync process on the same database, as after a restart. */
function runtime(options: Partial<MailboxSyncOptions> = {}) {
  const domain = createMailboxDomain({
    store: w.h.store,
    secrets: createSecretBox(w.secretKey),
    publicUrl: 'http://localhost:8080',
    allowPrivateAddresses: true,
  });
  return createMailboxSync({ crm: w.h.crm, domain, ...options });
}

const runsOf = (mailboxId: string) => latestRuns(w.h.store.db, { mailboxId, entity: 'contacts' }, 20);

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function mailboxRow(id: string) {
  return w.h.store.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('promises kept', () => {
  it('marks a mailbox whose run failed as failing, retries it with back-off, then clears it', async () => {
    const mailbox = await connectMailbox(w, w.h.alice);
    // Every attempt of the first run's reads fails; the retry finds the server well again.
    await w.sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: mailbox.address,
      operation: 'SyncFolderItems',
      fault: { kind: 'serverError', status: 500 },
      times: 3,
    });
    const sync = runtime({ retryBaseMs: 1_000 });
    const statuses: Array<Promise<string>> = [];
    sync.onJobFinished((data) => {
      if (data.mailboxId === mailbox.id) statuses.push(mailboxRow(mailbox.id).then((r) => r.status));
    });
    await sync.start();
    try {
      expect(await sync.queueSync(mailbox.id, 'contacts')).not.toBeNull();
      const retried = await until('the retry', async () =>
        (await runsOf(mailbox.id)).find((r) => r.trigger === 'retry' && r.status !== 'running'),
      );
      expect(retried.status).toBe('succeeded');
      const runs = await runsOf(mailbox.id);
      const failed = runs.find((r) => r.status === 'failed')!;
      expect(failed.trigger).toBe('manual');
      // The retry waited the back-off, not a moment or six minutes.
      const waited = Date.parse(retried.startedAt) - Date.parse(failed.finishedAt!);
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(10_000);
      expect(await statuses[0]).toBe('failing');
      expect(await statuses[1]).toBe('active');
      expect((await mailboxRow(mailbox.id)).failing_since).toBeNull();
    } finally {
      await sync.stop();
      await w.sandbox.admin.clearFaults();
    }
  });

  it('runs a "sync now" that was queued before a crash when the server starts again', async () => {
    const mailbox = await connectMailbox(w, w.h.alice);
    const crashed = runtime();
    // Queued, and the process dies before its queue ran it (never started, never stopped).
    expect(await crashed.queueSync(mailbox.id, 'contacts')).not.toBeNull();
    const restarted = runtime();
    await restarted.start();
    try {
      const run = await until('the queued run', async () =>
        (await runsOf(mailbox.id)).find((r) => r.status !== 'running'),
      );
      expect(run).toMatchObject({ trigger: 'manual', status: 'succeeded' });
    } finally {
      await restarted.stop();
    }
  });

  it('ends a hung run cleanly on shutdown, and runs it again on the next start', async () => {
    const mailbox = await connectMailbox(w, w.h.alice);
    await w.sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: mailbox.address,
      operation: 'SyncFolderItems',
      fault: { kind: 'latency', ms: 15_000 },
      times: 1,
    });
    const first = runtime();
    await first.start();
    await first.queueSync(mailbox.id, 'contacts');
    await until('the run to start', async () =>
      (await runsOf(mailbox.id)).find((r) => r.status === 'running'),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = Date.now();
    await first.stop(200);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    const [abandoned] = await runsOf(mailbox.id);
    expect(abandoned).toMatchObject({ status: 'abandoned', errors: [{ ref: 'run', code: 'shutdown' }] });
    // Nothing of the stopped run goes on under a closed database: the lease is free.
    const state = await w.h.store.db
      .selectFrom('sync_states')
      .selectAll()
      .where('mailbox_id', '=', mailbox.id)
      .executeTakeFirstOrThrow();
    expect(state.lease_owner).toBeNull();
    expect(state.requested_at).not.toBeNull();
    const second = runtime();
    await second.start();
    try {
      const run = await until('the run after the restart', async () =>
        (await runsOf(mailbox.id)).find((r) => r.status === 'succeeded'),
      );
      expect(run.trigger).toBe('manual');
    } finally {
      await second.stop();
    }
  });

  it("frees a dead predecessor's leases at start, and leaves other hosts' alone", async () => {
    const dead = await connectMailbox(w, w.h.alice);
    const elsewhere = await connectMailbox(w, w.h.alice);
    // A process of this host that has exited: its pid no longer runs.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const until = new Date(Date.now() + 10 * 60_000);
    for (const [m, owner] of [
      [dead, `${hostname()}/${gone}/deadbeef`],
      [elsewhere, 'another-host/1/cafebabe'],
    ] as const) {
      const scope = { mailboxId: m.id, entity: 'contacts' };
      expect(await claimLease(w.h.store.db, scope, owner, new Date(), until.getTime() - Date.now())).toBe(
        true,
      );
    }
    const sync = runtime();
    await sync.start();
    try {
      expect((await sync.runNow(dead.id, 'contacts')).status).toBe('succeeded');
      await expect(sync.runNow(elsewhere.id, 'contacts')).rejects.toMatchObject({ code: 'sync_busy' });
    } finally {
      await sync.stop();
    }
  });
});
