import { RuleBasedFaults } from './injector.ts';

export type { FaultRule, FaultRuleInput } from './injector.ts';
export { FaultRuleError, RuleBasedFaults } from './injector.ts';
export { mulberry32, seedFrom } from './prng.ts';

export function createFaultInjector(): RuleBasedFaults {
  return new RuleBasedFaults();
}
