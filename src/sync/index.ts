// The sync engine (SPEC B1–B6, E1–E7): a generic engine, entity definitions plugged into it,
// and the MailboxSource port through which it reaches mailboxes.
export { contactsEntity } from './contacts/entity.ts';
export { type ContactSyncOptions, DEFAULT_CONTACT_OPTIONS } from './contacts/mapping.ts';
export { type RunResult, SyncEngine, type SyncEngineOptions } from './engine.ts';
export { SimulatedCrash } from './executor.ts';
export { registerSyncWorker, SYNC_JOB, type SyncJobData, scheduleMailboxSync, syncNow } from './schedule.ts';
export type { ConflictView } from './store/conflicts.ts';
export type { RunRecord } from './store/runs.ts';
export type * from './types.ts';
