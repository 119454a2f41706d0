// The Exchange emulator: EWS, Graph, the identity platform and an admin API over one store.
export {
  type FaultRuleRequest,
  type MailboxStateDump,
  type MeetingMessagesReport,
  type PublicMailbox,
  SandboxAdminClient,
  SandboxAdminError,
} from './admin/index.ts';
export type * from './context.ts';
export { createFaultInjector, type FaultRule, type FaultRuleInput, RuleBasedFaults } from './faults/index.ts';
export { checkPassword, IdentityError, IdentityService } from './identity/index.ts';
export type * from './model.ts';
export { StoreError } from './model.ts';
export {
  type DemoInfo,
  demoInfo,
  type GenerateSpec,
  generate,
  parseGenerateSpec,
  seedDemo,
} from './seed/index.ts';
export { type RunningSandbox, type SandboxOptions, startSandbox } from './server.ts';
export { createStore, loadStore, MemoryStore } from './state/index.ts';
export type * from './store-api.ts';
