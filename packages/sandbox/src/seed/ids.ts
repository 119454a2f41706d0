import { createHash } from 'node:crypto';

/** A deterministic Outlook-style global object id for seeded meetings. */
export function newICalUIdFrom(key: string): string {
  return (
    '040000008200E00074C5B7101A82E00800000000' +
    createHash('sha256').update(key).digest('hex').slice(0, 48).toUpperCase()
  );
}
