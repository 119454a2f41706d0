import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, DELIMITERS, detectDelimiter, formatCsvRecord, parseCsv } from './rfc4180.ts';

const fields = (text: string, d: ',' | ';' | '\t' = ',') => parseCsv(text, d).map((r) => r.fields);

describe('parseCsv', () => {
  it('reads plain records with CRLF, LF and lone CR line ends', () => {
    expect(fields('a,b\r\nc,d\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('adds no record for a final line break, keeps empty fields', () => {
    expect(fields('a,,\r\n,b,\r\n')).toEqual([
      ['a', '', ''],
      ['', 'b', ''],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const records = parseCsv('id,text\r\n1,"a, ""quoted""\r\nsecond line\nthird"\r\n2,"x"\r\n');
    expect(records).toEqual([
      { line: 1, fields: ['id', 'text'] },
      { line: 2, fields: ['1', 'a, "quoted"\r\nsecond line\nthird'] },
      { line: 5, fields: ['2', 'x'] },
    ]);
  });

  it('skips a byte order mark and reads UTF-8 text as is', () => {
    expect(fields('\uFEFFName;Ort\r\nJürgen Groß;Köln 🏠', ';')).toEqual([
      ['Name', 'Ort'],
      ['Jürgen Groß', 'Köln 🏠'],
    ]);
  });

  it('uses the delimiter given, such as ; from German Excel', () => {
    expect(fields('a;"b;c";d,e', ';')).toEqual([['a', 'b;c', 'd,e']]);
    expect(fields('a\t"b\tc"', '\t')).toEqual([['a', 'b\tc']]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(fields('5" disk,x')).toEqual([['5" disk', 'x']]);
  });

  it('rejects an unterminated quoted field with the line it starts on', () => {
    try {
      parseCsv('a,b\r\n1,"never closed\r\n2,3\r\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsvSyntaxError);
      expect((error as CsvSyntaxError).line).toBe(2);
      expect((error as CsvSyntaxError).message).toMatch(/line 2: a quoted field is never closed/);
    }
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('"a"b,c')).toThrow(CsvSyntaxError);
  });

  it('reads a quoted empty field and a record ending in a delimiter', () => {
    expect(fields('"",a,\r\n')).toEqual([['', 'a', '']]);
    expect(fields('"x",')).toEqual([['x', '']]);
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter of the header line, ignoring quoted text', () => {
    expect(detectDelimiter('a,b,c\r\n1;2;3;4;5')).toBe(',');
    expect(detectDelimiter('\uFEFFVorname;Nachname;"E-Mail, privat"\r\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('formatCsvRecord', () => {
  it('quotes only fields that need it and ends with CRLF', () => {
    expect(formatCsvRecord(['a', 'b c', 'd,e', 'f"g', 'h\ni', ''])).toBe('a,b c,"d,e","f""g","h\ni",\r\n');
    expect(formatCsvRecord(['x;y', 'z'], ';')).toBe('"x;y";z\r\n');
  });

  it('round-trips any records through parseCsv, for every delimiter', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', ' ', ',', ';', '\t', '"', '\r', '\n', 'ü', '😀', "'", '=') }),
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...DELIMITERS),
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) =>
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }),
          ),
        (delimiter, records) => {
          // A record of one empty field is written as an empty line, which is the same thing.
          const text = records.map((r) => formatCsvRecord(r, delimiter)).join('');
          expect(parseCsv(text, delimiter).map((r) => r.fields)).toEqual(records);
        },
      ),
      { numRuns: 300 },
    );
  });
});
