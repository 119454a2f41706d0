// Item ids as EWS clients see them. Stored items keep their store id; ids that EWS derives
// (occurrences of a series, attachments) are encoded so the sandbox can read them back.

const OCCURRENCE = 'occ';
const ATTACHMENT = 'att';

function encode(parts: string[]): string {
  return Buffer.from(parts.join('\u0000'), 'utf8').toString('base64');
}

function decode(id: string, kind: string): string[] | undefined {
  if (!/^[A-Za-z0-9+/]+=*$/.test(id)) return undefined;
  const parts = Buffer.from(id, 'base64').toString('utf8').split('\u0000');
  return parts[0] === kind ? parts.slice(1) : undefined;
}

export function occurrenceItemId(masterId: string, originalStartMs: number): string {
  return encode([OCCURRENCE, masterId, String(originalStartMs)]);
}

export function readOccurrenceItemId(id: string): { masterId: string; originalStart: number } | undefined {
  const parts = decode(id, OCCURRENCE);
  if (parts?.length !== 2) return undefined;
  const originalStart = Number(parts[1]);
  return Number.isFinite(originalStart) ? { masterId: parts[0], originalStart } : undefined;
}

export function attachmentId(itemId: string, attachmentLocalId: string): string {
  return encode([ATTACHMENT, itemId, attachmentLocalId]);
}

export function readAttachmentId(id: string): { itemId: string; attachmentId: string } | undefined {
  const parts = decode(id, ATTACHMENT);
  return parts && parts.length === 2 ? { itemId: parts[0], attachmentId: parts[1] } : undefined;
}
