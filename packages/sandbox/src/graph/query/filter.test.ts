import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter.ts';

const contact = {
  displayName: 'Ada Lovelace',
  companyName: "O'Brien Ltd",
  emailAddresses: [{ name: 'Ada', address: 'ada@example.test' }, { address: 'ada@home.test' }],
  lastModifiedDateTime: '2026-11-20T10:00:00Z',
  isRead: false,
  start: { dateTime: '2026-11-23T09:00:00.0000000', timeZone: 'UTC' },
};

describe('$filter', () => {
  const cases: Array<[string, boolean]> = [
    ["displayName eq 'ada lovelace'", true],
    ["displayName ne 'Ada Lovelace'", false],
    ["startswith(displayName,'Ada')", true],
    ["companyName eq 'O''Brien Ltd'", true],
    ["emailAddresses/any(a:a/address eq 'ada@home.test')", true],
    ["emailAddresses/any(a: a/address eq 'nobody@example.test')", false],
    ['lastModifiedDateTime ge 2026-11-20T00:00:00Z and lastModifiedDateTime lt 2026-11-21T00:00:00Z', true],
    ["start/dateTime gt '2026-11-23T08:00:00'", true],
    ["isRead eq true or displayName eq 'x'", false],
    ["not (isRead eq true) and (startswith(displayName, 'Z') or contains(displayName, 'love'))", true],
    ['isRead eq false', true],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${expected}`, () => expect(parseFilter(text)(contact)).toBe(expected));
  }

  it('answers a clause it cannot read with 400 Invalid filter clause', () => {
    for (const bad of ["displayName eq 'x", 'displayName eq', '(displayName', "displayName % 'x'"]) {
      expect(() => parseFilter(bad), bad).toThrowError(/Invalid filter clause/);
    }
  });
});
