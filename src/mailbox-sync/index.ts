// Sync of real mailboxes: settings per mailbox and entity, the engine's mailbox source over the
// mail-service domain, the job runner with automatic sync, and who may see and do what.
export { createSyncAccess, type HoldView, type SyncAccess, type SyncStatusEntry } from './access.ts';
export {
  type Activity,
  type ActivityBucket,
  type ActivityPoint,
  createSyncDashboard,
  type DashboardConflict,
  type DashboardHold,
  MAX_BUCKETS,
  type SyncDashboard,
} from './dashboard.ts';
export { isSyncError, SYNC_ERROR_STATUS, SyncError, type SyncErrorCode } from './errors.ts';
export * from './policy.ts';
export { createMailboxSync, type MailboxSync, type MailboxSyncOptions } from './runtime.ts';
export * from './settings.ts';
