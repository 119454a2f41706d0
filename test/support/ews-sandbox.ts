// The sandbox the EWS conformance tests run against: one per test file, with an EWS client signed
// in as ada (Basic). When the file ends the sandbox closes and every request the client recorded is
// checked against the EWS schema.
import type { Mailbox } from '@exsync/sandbox/model';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import { afterAll, beforeAll } from 'vitest';
import { basic, EwsTestClient } from './ews-soap.ts';

export interface EwsSandbox {
  sb: RunningSandbox;
  /** Signed in as ada@example.test. */
  ews: EwsTestClient;
  ada: Mailbox;
  grace: Mailbox;
}

/**
 * Starts the sandbox before the file's tests (handing it to `use`, which keeps what the file
 * needs) and closes it after them.
 */
export function ewsSandboxForFile(use: (sandbox: EwsSandbox) => void): void {
  let sb: RunningSandbox | undefined;
  let ews: EwsTestClient | undefined;
  beforeAll(async () => {
    sb = await startSandbox();
    ews = new EwsTestClient(sb.url, basic('ada@example.test', 'Passw0rd!'));
    use({
      sb,
      ews,
      ada: sb.store.mailbox('ada@example.test')!,
      grace: sb.store.mailbox('grace@example.test')!,
    });
  });
  afterAll(async () => {
    await sb?.close();
    await ews?.recorder.expectAllValid();
  }, 60_000);
}
