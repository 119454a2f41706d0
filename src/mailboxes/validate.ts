import type { z } from 'zod';
import { detailsFromZod } from '../crm/errors.ts';
import { MailboxError } from './errors.ts';

/** Parses with a schema; validation_failed names each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = detailsFromZod(result.error);
  throw new MailboxError(
    'validation_failed',
    `Invalid input: ${details
      .slice(0, 5)
      .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
      .join('; ')}. Correct these fields and send again.`,
    { details },
  );
}
