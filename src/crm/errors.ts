// Every failure of the CRM core is a CrmError with a machine-readable code; callers (HTTP, CLI,
// sync) branch on `code`, never on the message.
import type { z } from 'zod';

export type CrmErrorCode = 'not_found' | 'forbidden' | 'validation_failed' | 'conflict' | 'invalid_reference';

export interface CrmErrorDetail {
  /** Dotted path of the offending field, e.g. `emails.0.address`; empty for the whole input. */
  path: string;
  message: string;
}

export class CrmError extends Error {
  readonly code: CrmErrorCode;
  readonly details?: CrmErrorDetail[];

  constructor(code: CrmErrorCode, message: string, details?: CrmErrorDetail[]) {
    super(message);
    this.name = 'CrmError';
    this.code = code;
    if (details) this.details = details;
  }
}

export function isCrmError(error: unknown, code?: CrmErrorCode): error is CrmError {
  return error instanceof CrmError && (code === undefined || error.code === code);
}

export function notFound(recordType: string, id: string): CrmError {
  return new CrmError('not_found', `No ${recordType} with id "${id}" exists or you have no access to it.`);
}

export function forbidden(what: string): CrmError {
  return new CrmError(
    'forbidden',
    `You may not ${what}; ask the owner or an administrator to share it with edit rights.`,
  );
}

export function invalidReference(path: string, message: string): CrmError {
  return new CrmError('invalid_reference', `${path}: ${message}`, [{ path, message }]);
}

export function validationFailed(details: CrmErrorDetail[]): CrmError {
  const summary = details
    .slice(0, 5)
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
    .join('; ');
  return new CrmError(
    'validation_failed',
    `Invalid input: ${summary}${details.length > 5 ? '; …' : ''}`,
    details,
  );
}

/** Zod issues as details; unknown keys become one detail per key so each field is named. */
export function detailsFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): CrmErrorDetail[] {
  const details: CrmErrorDetail[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ path: joinPath([...path, key]), message: `unknown field "${key}"` });
      }
    } else {
      details.push({ path: joinPath(path), message: issue.message });
    }
  }
  return details;
}

export function joinPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

/** Parses with a schema, throwing validation_failed that names each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(detailsFromZod(result.error, prefix));
  return result.data;
}
