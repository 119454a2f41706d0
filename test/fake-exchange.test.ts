import { describe, expect, it } from 'vitest';
import { FakeExchange } from './support/fake-exchange.ts';

const contact = (givenName: string) => ({ givenName, emails: [], phones: [], addresses: [], categories: [] });

/** Items delivered again although they did not change, over many incremental reads. */
function repeats(exchange: FakeExchange): number {
  for (let i = 0; i < 5; i++) exchange.userCreate(contact(`c${i}`));
  let cursor = exchange.changesSince('contacts', undefined, 100).cursor;
  let repeated = 0;
  for (let round = 0; round < 50; round++) {
    const page = exchange.changesSince('contacts', cursor, 100);
    repeated += page.upserts.length;
    cursor = page.cursor;
  }
  return repeated;
}

describe('in-memory Exchange delivery styles', () => {
  it('EWS style delivers each change once', () => {
    expect(repeats(new FakeExchange({ style: 'ews', seed: 3 }))).toBe(0);
  });

  it('Graph style sometimes delivers an unchanged item again, as delta does', () => {
    expect(repeats(new FakeExchange({ style: 'graph', seed: 3 }))).toBeGreaterThan(5);
  });
});
