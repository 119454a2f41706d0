// A folder's (or a hierarchy's) change log, kept as one entry per key: the latest thing that
// happened to it. That is all a net-effect sync needs (did the key exist at the client's
// position, does it exist now, did its content change), so memory stays proportional to the
// data, not to its history. Entries sit in seq order so a position is found by binary search.

export type LogChangeType = 'create' | 'update' | 'readFlag' | 'delete';

export interface LogEntry {
  seq: number;
  key: string;
  /** Seq at which the key entered this log (created here or moved in). */
  enteredSeq: number;
  /** Seq of the last change other than a read-flag change. */
  contentSeq: number;
  deleted: boolean;
  /** Superseded by a later entry for the same key; skipped and compacted away. */
  dead: boolean;
  /** Milliseconds since the epoch. */
  at: number;
  type: LogChangeType;
}

/** A sync read in pages: where the client last had everything, and the head when it began. */
export interface SyncRound {
  base: number;
  head: number;
}

export type NetChange = 'create' | 'update' | 'readFlag' | 'delete';

export interface LogPage {
  entries: Array<{ entry: LogEntry; net: NetChange }>;
  /** Seq of the last entry consumed, or undefined when none was. */
  lastSeq: number | undefined;
  done: boolean;
}

/** Tombstones kept before the oldest ones are dropped (and positions before them refused). */
const DEFAULT_MAX_TOMBSTONES = 50_000;

export interface SerializedLog {
  entries: Array<
    [
      seq: number,
      key: string,
      enteredSeq: number,
      contentSeq: number,
      deleted: 0 | 1,
      at: number,
      type: LogChangeType,
    ]
  >;
  horizon: number;
}

export class ChangeLog {
  private entries: LogEntry[] = [];
  private readonly latest = new Map<string, LogEntry>();
  private deadCount = 0;
  private tombstones = 0;
  private readonly maxTombstones: number;
  /** Positions with 0 < seq < horizon may have missed a dropped tombstone and are refused. */
  horizon = 0;

  constructor(maxTombstones = DEFAULT_MAX_TOMBSTONES) {
    this.maxTombstones = maxTombstones;
  }

  get size(): number {
    return this.entries.length - this.deadCount;
  }

  lastEntry(): LogEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (!this.entries[i].dead) return this.entries[i];
    }
    return undefined;
  }

  record(key: string, seq: number, at: number, type: LogChangeType): LogEntry {
    const previous = this.latest.get(key);
    const alive = previous !== undefined && !previous.deleted;
    let entry: LogEntry;
    if (type === 'create' || !alive) {
      // Entering the log (again): a re-created or moved-back key starts fresh.
      entry = {
        seq,
        key,
        enteredSeq: seq,
        contentSeq: seq,
        deleted: type === 'delete',
        dead: false,
        at,
        type,
      };
    } else {
      entry = {
        seq,
        key,
        enteredSeq: previous.enteredSeq,
        contentSeq: type === 'readFlag' ? previous.contentSeq : seq,
        deleted: type === 'delete',
        dead: false,
        at,
        type,
      };
    }
    if (previous) {
      previous.dead = true;
      this.deadCount++;
      if (previous.deleted) this.tombstones--;
    }
    if (entry.deleted) this.tombstones++;
    this.entries.push(entry);
    this.latest.set(key, entry);
    this.compactIfWorthIt();
    return entry;
  }

  /**
   * Changes after `since`, as net effects, at most `max`, oldest first. `round` describes a sync
   * read in pages: `base` is the position where the client last had everything (0 for a first
   * sync) and `head` the log's head when the round began; without it `since` is both.
   */
  since(since: number, max: number, round?: SyncRound): LogPage {
    const base = round?.base ?? since;
    const head = round?.head ?? Number.MAX_SAFE_INTEGER;
    const out: LogPage['entries'] = [];
    let i = this.firstIndexAfter(since);
    let lastSeq: number | undefined;
    const entries = this.entries;
    while (i < entries.length && out.length < max) {
      const entry = entries[i++];
      if (entry.dead) continue;
      lastSeq = entry.seq;
      const net = netEffect(entry, since, base, head);
      if (net) out.push({ entry, net });
    }
    while (i < entries.length && entries[i].dead) i++;
    return { entries: out, lastSeq, done: i >= entries.length };
  }

  /** How many live entries lie after `since`. */
  countAfter(since: number): number {
    const i = this.firstIndexAfter(since);
    return this.entries.length - i;
  }

  serialize(): SerializedLog {
    this.compact();
    return {
      entries: this.entries.map((e) => [
        e.seq,
        e.key,
        e.enteredSeq,
        e.contentSeq,
        e.deleted ? 1 : 0,
        e.at,
        e.type,
      ]),
      horizon: this.horizon,
    };
  }

  static deserialize(data: SerializedLog): ChangeLog {
    const log = new ChangeLog();
    log.horizon = data.horizon;
    for (const [seq, key, enteredSeq, contentSeq, deleted, at, type] of data.entries) {
      const entry: LogEntry = {
        seq,
        key,
        enteredSeq,
        contentSeq,
        deleted: deleted === 1,
        dead: false,
        at,
        type,
      };
      log.entries.push(entry);
      log.latest.set(key, entry);
      if (entry.deleted) log.tombstones++;
    }
    return log;
  }

  private firstIndexAfter(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compactIfWorthIt(): void {
    if (this.tombstones > this.maxTombstones) this.dropOldTombstones();
    if (this.deadCount > 1024 && this.deadCount * 2 > this.entries.length) this.compact();
  }

  private compact(): void {
    if (this.deadCount === 0) return;
    this.entries = this.entries.filter((e) => !e.dead);
    this.deadCount = 0;
  }

  private dropOldTombstones(): void {
    const toDrop = this.tombstones - Math.floor(this.maxTombstones / 2);
    let dropped = 0;
    for (const entry of this.entries) {
      if (dropped >= toDrop) break;
      if (entry.dead || !entry.deleted) continue;
      entry.dead = true;
      this.deadCount++;
      this.latest.delete(entry.key);
      this.horizon = Math.max(this.horizon, entry.seq);
      dropped++;
    }
    this.tombstones -= dropped;
    this.compact();
  }
}

/**
 * What the client, holding everything up to `base` plus the earlier pages of this round (read
 * up to `since`), must be told about `entry`. Only keys that existed at `base` are known to it,
 * so only they can be updated or deleted; everything else is a create. A page boundary inside a
 * round is not a point the client has the whole state of: an item created before the round and
 * changed later sits after the boundary although the client never got it.
 */
function netEffect(entry: LogEntry, since: number, base: number, head: number): NetChange | undefined {
  const known = entry.enteredSeq <= base;
  if (entry.deleted) {
    if (known) return 'delete';
    // Created after `base` and deleted while this round was being read: an earlier page may
    // have delivered its create, so the client is told it is gone.
    return entry.enteredSeq <= since && entry.seq > head ? 'delete' : undefined;
  }
  if (!known) return 'create';
  return entry.contentSeq > base ? 'update' : 'readFlag';
}
