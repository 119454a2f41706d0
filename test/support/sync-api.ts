// Shared by the tests that sync mailboxes through the REST API against the sandbox: adding the
// mail services, connecting a new sandbox mailbox as a given user, and running a sync now.

import { DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { expect } from 'vitest';
import type { RunStatus } from '../../src/sync/types.ts';
import type { TestUser } from '../http-harness.ts';
import { consent, DEMO_PASSWORD, type MailboxWorld } from '../mailboxes-support.ts';

/** Adds each mail service as the administrator; every one must be created. */
export async function addMailServices(
  w: MailboxWorld,
  ...services: Record<string, unknown>[]
): Promise<void> {
  for (const payload of services) {
    const added = await w.call(w.h.admin, { method: 'POST', url: '/api/v1/mail-services', payload });
    expect(added.statusCode, added.body).toBe(201);
  }
}

let counter = 0;

/**
 * A new sandbox mailbox on `domain`, connected by `who` through the API: with its password on
 * the Exchange service's example.test, through the sign-in page and consent on any other
 * (Microsoft 365) domain.
 */
export async function connectMailbox(
  w: MailboxWorld,
  who: TestUser,
  domain = 'example.test',
): Promise<{ id: string; address: string }> {
  const name = `u${Date.now().toString(36)}${(counter++).toString(36)}`;
  const address = `${name}@${domain}`;
  w.sandbox.store.addMailbox({
    tenantId: DEMO_TENANT_ID,
    address,
    displayName: name,
    password: DEMO_PASSWORD,
  });
  const withPassword = domain === 'example.test';
  const added = await w.call(who, {
    method: 'POST',
    url: '/api/v1/mailboxes',
    payload: withPassword ? { address, password: DEMO_PASSWORD } : { address },
  });
  expect(added.statusCode, added.body).toBe(201);
  const id = added.json().mailbox.id as string;
  if (!withPassword) {
    const callback = await consent(w, added.json().authorizationUrl, address);
    expect((await w.call(who, { method: 'GET', url: callback })).statusCode).toBe(303);
  }
  return { id, address };
}

export interface RunRecord {
  id: string;
  status: RunStatus;
  startedAt: string;
  counts: Record<'import' | 'export', Record<'created' | 'updated' | 'deleted' | 'unlinked', number>>;
  conflicts: number;
  errors: Array<{ ref: string; code: string; message: string }>;
}

/**
 * Syncs the mailbox's contacts (or `entity`) now as `who`, waits for the run, and expects it to
 * end as `status`.
 */
export async function runNow(
  w: MailboxWorld,
  who: TestUser,
  mailboxId: string,
  status: RunStatus = 'succeeded',
  entity: 'contacts' | 'meetings' | 'tasks' = 'contacts',
): Promise<RunRecord> {
  const answer = await w.call(who, {
    method: 'POST',
    url: `/api/v1/mailboxes/${mailboxId}/runs?wait=true`,
    payload: { entity },
  });
  expect(answer.statusCode, answer.body).toBe(200);
  const run = answer.json().run as RunRecord;
  // A failed run's errors say why.
  expect(run.status, JSON.stringify(run.errors)).toBe(status);
  return run;
}
