// Faults on demand (S5): rules match requests by protocol, tenant, mailbox and operation, and
// apply by rate (a seeded PRNG, so a test sees the same sequence every run) or by script (the
// next N matching requests).
import { randomUUID } from 'node:crypto';
import type { Fault, FaultInjector, FaultProbe, Protocol } from '../context.ts';
import { mulberry32, seedFrom } from './prng.ts';

export interface FaultRule {
  id: string;
  protocol?: Protocol;
  tenantId?: string;
  mailboxId?: string;
  /** Exact operation name (case-insensitive), or a prefix ending in `*` (`contacts.*`). */
  operation?: string;
  fault: Fault;
  /** Probability that a matching request gets the fault; 1 when omitted. */
  rate?: number;
  /** Apply to the next N matching requests only; the rule then stays listed with 0 left. */
  times?: number;
  seed?: number;
}

export type FaultRuleInput = Omit<FaultRule, 'id'> & { id?: string };

export class FaultRuleError extends Error {
  readonly code = 'invalidFaultRule';
  constructor(message: string) {
    super(message);
    this.name = 'FaultRuleError';
  }
}

interface ActiveRule {
  rule: FaultRule;
  random: () => number;
  /** How many times a rule was applied, to report it back. */
  applied: number;
}

export class RuleBasedFaults implements FaultInjector {
  private readonly rules: ActiveRule[] = [];

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...structuredClone(input), id: input.id ?? randomUUID() };
    validate(rule);
    if (this.rules.some((r) => r.rule.id === rule.id))
      throw new FaultRuleError(`A fault rule ${rule.id} exists already.`);
    this.rules.push({ rule, random: mulberry32(rule.seed ?? seedFrom(rule.id)), applied: 0 });
    return structuredClone(rule);
  }

  list(): Array<FaultRule & { applied: number }> {
    return this.rules.map((r) => ({ ...structuredClone(r.rule), applied: r.applied }));
  }

  remove(id: string): boolean {
    const index = this.rules.findIndex((r) => r.rule.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  pick(probe: FaultProbe): Fault[] {
    const delays: Fault[] = [];
    let failure: Fault | undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (!matches(rule, probe)) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      const isDelay = rule.fault.kind === 'latency';
      if (!isDelay && failure) continue;
      const rate = rule.rate ?? 1;
      if (rate < 1 && active.random() >= rate) continue;
      if (rule.times !== undefined) rule.times--;
      active.applied++;
      if (isDelay) delays.push(structuredClone(rule.fault));
      else failure = structuredClone(rule.fault);
    }
    return failure ? [...delays, failure] : delays;
  }
}

function matches(rule: FaultRule, probe: FaultProbe): boolean {
  if (rule.protocol && rule.protocol !== probe.protocol) return false;
  if (rule.tenantId && rule.tenantId.toLowerCase() !== probe.tenantId?.toLowerCase()) return false;
  if (rule.mailboxId && rule.mailboxId.toLowerCase() !== probe.mailboxId?.toLowerCase()) return false;
  if (rule.operation) {
    const wanted = rule.operation.toLowerCase();
    const actual = probe.operation.toLowerCase();
    if (wanted.endsWith('*') ? !actual.startsWith(wanted.slice(0, -1)) : wanted !== actual) return false;
  }
  return true;
}

const FAULT_KINDS = ['throttle', 'concurrency', 'serverError', 'latency', 'drop', 'expireSyncState'];

function validate(rule: FaultRule): void {
  if (!rule.fault || !FAULT_KINDS.includes(rule.fault.kind)) {
    throw new FaultRuleError(`A fault rule needs fault.kind, one of ${FAULT_KINDS.join(', ')}.`);
  }
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
    throw new FaultRuleError('rate must be between 0 and 1.');
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
    throw new FaultRuleError('times must be a whole number of requests, 0 or more.');
  }
  const f = rule.fault;
  if (f.kind === 'throttle' && !(f.retryAfterMs >= 0))
    throw new FaultRuleError('A throttle fault needs retryAfterMs.');
  if (f.kind === 'latency' && !(f.ms >= 0)) throw new FaultRuleError('A latency fault needs ms.');
  if (f.kind === 'serverError' && f.status !== 500 && f.status !== 503) {
    throw new FaultRuleError('A serverError fault needs status 500 or 503.');
  }
}
