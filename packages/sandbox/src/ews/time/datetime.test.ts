import { describe, expect, it } from 'vitest';
import { parseDateTime } from './datetime.ts';

describe('xs:dateTime', () => {
  it('reads xs:dateTime with Z, with an offset, and zoneless in a given zone', () => {
    expect(parseDateTime('2026-07-01T09:00:00Z')).toBe(Date.parse('2026-07-01T09:00:00Z'));
    expect(parseDateTime('2026-07-01T09:00:00+02:00')).toBe(Date.parse('2026-07-01T07:00:00Z'));
    expect(parseDateTime('2026-07-01T09:00:00.250')).toBe(Date.parse('2026-07-01T09:00:00.250Z'));
    expect(parseDateTime('2026-07-01T09:00:00', 'Tokyo Standard Time')).toBe(
      Date.parse('2026-07-01T00:00:00Z'),
    );
    expect(() => parseDateTime('2026-13-45T99:00:00')).toThrow();
  });
});
