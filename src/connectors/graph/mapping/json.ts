// Defensive readers for JSON from a server: wrong types read as absent, never as a crash.
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const objectOrEmpty = (v: unknown): Json => (isObject(v) ? v : {});
export const nonEmptyString = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
export const arrayOrEmpty = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] =>
  arrayOrEmpty(v).filter((x): x is string => typeof x === 'string');

export function oneOf<T extends string>(v: unknown, values: readonly T[], fallback: T): T {
  return typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** Drops undefined members so that JSON and deep equality stay clean. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
