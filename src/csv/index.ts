// Contacts as CSV (B6): export with every value, import validated by the CRM's own rules.
export { guardCell, unguardCell } from './cells.ts';
export { type ExportOptions, exportContactsCsv, exportContactsCsvText } from './export.ts';
export {
  CsvRowLimitError,
  decodeCsv,
  IMPORT_BATCH,
  type ImportOptions,
  type ImportSummary,
  importContactsCsv,
  MAX_IMPORT_ROWS,
} from './import.ts';
export type { FieldError, ImportWarning } from './reader.ts';
export { CsvSyntaxError, DELIMITERS, type Delimiter } from './rfc4180.ts';
