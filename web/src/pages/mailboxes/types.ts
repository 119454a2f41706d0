// Answers of the mailbox operations that only these screens read, typed from the server's own
// schemas (type-only: nothing of the server is bundled).
import type { z } from 'zod';
import type { mailboxAddedSchema } from '../../../../src/mailboxes/schemas.ts';

export type MailboxAdded = z.output<typeof mailboxAddedSchema>;
export interface SignInStarted {
  authorizationUrl: string;
}
export interface SyncNowAnswer {
  queued: boolean;
  jobId: string | null;
  message: string;
}
