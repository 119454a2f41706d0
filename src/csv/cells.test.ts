import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardCell, joinList, parseDateCell, splitList, unguardCell } from './cells.ts';

describe('formula guard', () => {
  it('prefixes cells that spreadsheets would run as formulas', () => {
    for (const value of ['=1+1', '+49 30 1234', '-2', '@SUM(A1)', '\rx'])
      expect(guardCell(value)).toBe(`'${value}`);
    for (const value of ['Anna', '', "'quoted", '1=1', 'a-b', 'x; y', "x;'y"])
      expect(guardCell(value)).toBe(value);
  });

  it('guards formulas that start after a separator, a line break or leading spaces and quotes', () => {
    expect(guardCell('x;=1+1;y')).toBe("x;'=1+1;y");
    expect(guardCell('a,=HYPERLINK("http://x")')).toBe('a,\'=HYPERLINK("http://x")');
    expect(guardCell('VIP;@SUM(A1);-2')).toBe("VIP;'@SUM(A1);'-2");
    expect(guardCell('x; =1')).toBe("x; '=1");
    expect(guardCell('x;"=1"')).toBe('x;"\'=1"');
    expect(guardCell(' =x')).toBe(" '=x");
    expect(guardCell('notes\n=cmd|x')).toBe("notes\n'=cmd|x");
    expect(guardCell('\t=1')).toBe("'\t'=1");
    expect(guardCell("x;'=1")).toBe("x;''=1");
  });

  /** The parts a spreadsheet could make of a cell, splitting at any separator or line break. */
  const pieces = (cell: string) => cell.split(/[,;\t\r\n]/).map((p) => p.replace(/^[ "]*/, ''));

  it('is undone exactly on import, and leaves no piece that starts a formula, for every value', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("'", '=', '+', '-', '@', 'a', '\t', ' ', ';', ',', '"', '\n', '\r'),
        }),
        (value) => {
          const guarded = guardCell(value);
          expect(unguardCell(guarded)).toBe(value);
          for (const piece of pieces(guarded)) expect(piece).not.toMatch(/^[=+\-@]/);
          expect(guarded).not.toMatch(/^[\t\r]/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('lists in one cell', () => {
  it('joins with ; and escapes ; and \\ inside names', () => {
    expect(joinList(['VIP', 'a;b', 'c\\d'])).toBe('VIP;a\\;b;c\\\\d');
    expect(splitList('VIP;a\\;b;c\\\\d')).toEqual(['VIP', 'a;b', 'c\\d']);
    expect(splitList(' VIP ; Presse;;')).toEqual(['VIP', 'Presse']);
    expect(splitList('')).toEqual([]);
  });

  it('round-trips trimmed non-empty names', () => {
    const name = fc
      .string({ unit: fc.constantFrom('a', ';', '\\', ' ', 'ß'), minLength: 1 })
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    fc.assert(
      fc.property(fc.array(name), (names) => {
        expect(splitList(joinList(names))).toEqual(names);
      }),
    );
  });
});

describe('parseDateCell', () => {
  it('reads ISO, German and US dates', () => {
    expect(parseDateCell('1980-02-29')).toEqual({ ok: true, value: '1980-02-29' });
    expect(parseDateCell('1.2.1980')).toEqual({ ok: true, value: '1980-02-01' });
    expect(parseDateCell('2/1/1980')).toEqual({ ok: true, value: '1980-02-01' });
  });

  it("reads empty cells and Outlook's no-date markers as no date", () => {
    for (const cell of ['', '  ', '0/0/00', '00.00.0000'])
      expect(parseDateCell(cell)).toEqual({ ok: true, value: null });
  });

  it('rejects what is not a calendar day', () => {
    for (const cell of ['1981-02-29', '31.04.2020', '13/1/2020', 'tomorrow', '1.2.80', '2020-1-32'])
      expect(parseDateCell(cell).ok).toBe(false);
  });
});
