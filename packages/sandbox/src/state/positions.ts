// Sync positions leave the sandbox as opaque tokens (EWS SyncState, Graph deltatoken). They are
// signed with a per-store secret so a token the store did not issue is refused, as Exchange
// refuses a made-up sync state.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { StoreError } from '../model.ts';
import type { SyncPosition } from '../store-api.ts';

interface TokenBody {
  m: string;
  f: string | null;
  s: number;
  e: string;
  /** Issued at (ms since the epoch). */
  t: number;
  /** The mailbox head when issued (SyncPosition.issued). */
  i?: number;
  /** Round base and head, inside a sync read in pages. */
  b?: number;
  h?: number;
}

const MAC_BYTES = 12;

export function encodePosition(secret: string, position: SyncPosition, issuedAt: number): string {
  const body: TokenBody = {
    m: position.mailboxId,
    f: position.folderId,
    s: position.seq,
    e: position.epoch,
    t: issuedAt,
    ...(position.issued !== undefined ? { i: position.issued } : {}),
  };
  if (position.base !== undefined) body.b = position.base;
  if (position.roundHead !== undefined) body.h = position.roundHead;
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const mac = createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);
  return Buffer.concat([mac, payload]).toString('base64url');
}

export function decodePosition(secret: string, token: string): { position: SyncPosition; issuedAt: number } {
  const refuse = (why: string): never => {
    throw new StoreError(
      'invalidSyncState',
      `The sync state is not valid (${why}); start a full sync from an empty state.`,
    );
  };
  if (typeof token !== 'string' || token.length < 20 || !/^[A-Za-z0-9_-]+={0,2}$/.test(token))
    refuse('malformed');
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= MAC_BYTES) refuse('malformed');
  const mac = raw.subarray(0, MAC_BYTES);
  const payload = raw.subarray(MAC_BYTES);
  const expected = createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);
  if (!timingSafeEqual(mac, expected)) refuse('not issued by this server');
  let body: TokenBody;
  try {
    body = JSON.parse(payload.toString('utf8')) as TokenBody;
  } catch {
    return refuse('malformed');
  }
  const position: SyncPosition = { mailboxId: body.m, folderId: body.f, seq: body.s, epoch: body.e };
  if (typeof body.i === 'number') position.issued = body.i;
  if (typeof body.b === 'number' && typeof body.h === 'number') {
    position.base = body.b;
    position.roundHead = body.h;
  }
  return { position, issuedAt: body.t };
}
