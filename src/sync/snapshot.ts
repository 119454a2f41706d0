// Snapshots are compared as canonical JSON: key order never matters, undefined and null mean
// "no value", so both sides' mappings only have to agree on values, not on shape details.
import { createHash } from 'node:crypto';
import type { Snapshot } from './types.ts';

function canonical(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(canonical);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v !== null) out[key] = v;
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Fields whose values differ between two snapshots. */
export function changedFields(base: Snapshot, next: Snapshot): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(next)]);
  return [...keys].filter((k) => !sameValue(base[k], next[k])).sort();
}

/** Identifies an item by its content, for adopting items created by an interrupted run. */
export function fingerprint(snapshot: Snapshot): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('base64url').slice(0, 32);
}
