import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isDeadPredecessor, parseLeaseOwner, processAlive, processLeaseOwner } from './lease.ts';

describe('lease holders', () => {
  const self = `${hostname()}/${process.pid}/aaaa1111`;
  const alive = (pid: number) => pid === 4242;

  it('names this process by host, pid and instance', () => {
    expect(parseLeaseOwner(processLeaseOwner())).toMatchObject({ host: hostname(), pid: process.pid });
  });

  it('recognises a dead predecessor on this host, and nothing else', () => {
    expect(isDeadPredecessor(`${hostname()}/999999/bbbb`, self, alive)).toBe(true);
    // Its own pid, another instance: a restarted process (a container's pid 1 again).
    expect(isDeadPredecessor(`${hostname()}/${process.pid}/bbbb`, self, alive)).toBe(true);
    // …unless this process made it (several engines in one process).
    expect(isDeadPredecessor(processLeaseOwner(), self, alive)).toBe(false);
    expect(isDeadPredecessor(self, self, alive)).toBe(false);
    expect(isDeadPredecessor(`${hostname()}/4242/cccc`, self, alive)).toBe(false);
    expect(isDeadPredecessor('other-host/999999/bbbb', self, alive)).toBe(false);
    expect(isDeadPredecessor('worker-1234', self, alive)).toBe(false);
  });

  it('tells a running process from a gone one', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
