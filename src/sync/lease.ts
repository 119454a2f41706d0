// Who holds a mailbox's lease, and whether that holder is gone. A holder is one process instance:
// `host/pid/instance`. A process starting on the same host knows its predecessors at once: one
// whose pid no longer runs, or one with its own pid but another instance (a restarted container
// is pid 1 again), is dead, so its leases need not run out before the mailbox syncs again.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export interface LeaseHolder {
  host: string;
  pid: number;
  instance: string;
}

/** Owners made in this process: alive as long as it runs (tests and the demo make several). */
const ownersHere = new Set<string>();

/** A lease owner for this process: host, pid and a fresh instance id. */
export function processLeaseOwner(): string {
  const owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  ownersHere.add(owner);
  return owner;
}

export function parseLeaseOwner(owner: string): LeaseHolder | undefined {
  const match = /^(.+)\/(\d+)\/([^/]+)$/.exec(owner);
  if (!match) return undefined;
  return { host: match[1], pid: Number(match[2]), instance: match[3] };
}

/** Whether `owner` is a process of this host that is gone (never true for `self` or another host). */
export function isDeadPredecessor(
  owner: string,
  self: string,
  alive: (pid: number) => boolean,
  madeHere: (owner: string) => boolean = (o) => ownersHere.has(o),
): boolean {
  if (owner === self) return false;
  const holder = parseLeaseOwner(owner);
  const me = parseLeaseOwner(self);
  if (!holder || !me || holder.host !== me.host) return false;
  if (holder.pid === me.pid) return !madeHere(owner);
  return !alive(holder.pid);
}

/** Whether a process with this pid runs (EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
