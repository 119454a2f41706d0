// CSV as RFC 4180 describes it, read the way spreadsheets write it: fields separated by a
// delimiter (`,`, or `;` as Excel writes in German and other locales, or tab), records by
// CRLF, LF or a lone CR, fields with delimiters, quotes or line breaks in double quotes with
// inner quotes doubled. A byte order mark at the start is skipped. A quote inside an unquoted
// field is kept as text, as Excel does; an unterminated quoted field is an error, because it
// would swallow the rest of the file.

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvRecord {
  /** Line of the file (1-based) on which the record starts; quoted line breaks make records span lines. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  readonly code = 'csv_syntax';
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

const BOM = '\uFEFF';

export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** The delimiter of the first record: whichever of `,` `;` tab occurs most outside quotes (`,` on a tie). */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of stripBom(text)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts[d] > counts[best]) best = d;
  return best;
}

export function parseCsv(input: string, delimiter: Delimiter = ','): CsvRecord[] {
  return [...csvRecords(input, delimiter)];
}

/**
 * The records one at a time, so that a caller can stop, count or yield to other work between
 * them: a large file is never read in one go that holds up the server.
 */
export function* csvRecords(input: string, delimiter: Delimiter = ','): Generator<CsvRecord> {
  const text = stripBom(input);
  // Records completed by the last step, handed out before the next.
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  // Whether the current record has any content yet (so that a final line break adds no record).
  let started = false;

  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    started = false;
  };

  while (i < n) {
    if (records.length > 0) {
      yield* records;
      records.length = 0;
    }
    const ch = text[i];
    if (!started) {
      started = true;
      recordLine = line;
    }
    // A quote opens a quoted field only at the field's start (field is still empty there).
    if (ch === '"' && field === '') {
      // A quoted field: read to the closing quote.
      const openedOn = line;
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (c === '\r') {
          line++;
          if (text[i + 1] === '\n') {
            field += '\r\n';
            i += 2;
            continue;
          }
        } else if (c === '\n') {
          line++;
        }
        field += c;
        i++;
      }
      if (!closed) {
        throw new CsvSyntaxError(
          openedOn,
          'a quoted field is never closed; every field that starts with " must end with " (write "" for a quote inside it).',
        );
      }
      const next = text[i];
      if (i < n && next !== delimiter && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError(
          line,
          `unexpected text after a closing quote; put the whole field in quotes and double the quotes inside it.`,
        );
      }
      fields.push(field);
      field = '';
      if (i >= n) {
        records.push({ line: recordLine, fields });
        fields = [];
        started = false;
        break;
      }
      if (next === delimiter) {
        i++;
        if (i >= n) {
          endRecord();
        }
        continue;
      }
      // Line break right after the closing quote: the record ends with this field.
      records.push({ line: recordLine, fields });
      fields = [];
      started = false;
      i += next === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      i++;
      if (i >= n) endRecord();
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    field += ch;
    i++;
  }
  if (started) endRecord();
  yield* records;
}

/** One record as CSV text ending in CRLF; fields are quoted only when they need it. */
export function formatCsvRecord(fields: readonly string[], delimiter: Delimiter = ','): string {
  return `${fields.map((f) => quoteField(f, delimiter)).join(delimiter)}\r\n`;
}

export function quoteField(value: string, delimiter: Delimiter = ','): string {
  if (
    value.includes('"') ||
    value.includes(delimiter) ||
    value.includes('\n') ||
    value.includes('\r') ||
    // Quoting fields with the other common delimiters keeps the file readable whichever a reader assumes.
    value.includes(',') ||
    value.includes(';')
  ) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}
