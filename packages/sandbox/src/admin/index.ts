export {
  type FaultRuleRequest,
  type MeetingMessagesReport,
  type PublicMailbox,
  SandboxAdminClient,
  SandboxAdminError,
} from './client.ts';
export { type AdminDeps, createAdminFrontEnd } from './front-end.ts';
export type { MailboxStateDump } from './state-dump.ts';
